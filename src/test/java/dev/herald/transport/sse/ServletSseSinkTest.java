package dev.herald.transport.sse;

import dev.herald.hub.Event;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The servlet sink honours the non-blocking contract: one write, then nothing until isReady() is true again. */
class ServletSseSinkTest {

    /** Not ready after every write until the test drains it, like a container whose buffer just filled. */
    private static final class StrictStream extends ServletOutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<String> violations = new ArrayList<>();
        boolean ready = true;
        int writes;

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (!ready) {
                violations.add("write while not ready");
            }
            writes++;
            bytes.write(b, off, len);
            ready = false;
        }

        @Override
        public void flush() {
            if (!ready) {
                violations.add("flush while not ready");
            }
        }
    }

    private static Event event(String id, String topic, String data) {
        return new Event(1, () -> id, topic, data, null, null, System.nanoTime(), System.currentTimeMillis());
    }

    @Test
    void thePreambleAndTheFirstFrameGoOutInOneWrite() {
        StrictStream out = new StrictStream();
        AsyncContext async = (AsyncContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {AsyncContext.class}, (proxy, method, args) -> null);
        ServletSseSink sink = new ServletSseSink(null, async, out, 3000, null);

        assertFalse(sink.canWrite(), "not before the WriteListener is set");
        sink.listening();
        assertTrue(sink.canWrite());
        sink.write(event("e-1", "prices", "{\"p\":1}"));
        assertEquals(List.of(), out.violations);
        assertEquals(1, out.writes);
        String text = out.bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.matches("(?s)retry: \\d+\n: connected\n\n.*"), text);
        assertTrue(text.contains("id: e-1\nevent: prices\ndata: {\"p\":1}\n\n"), text);

        out.ready = true;
        sink.write(event("e-2", "prices", "{\"p\":2}"));
        assertEquals(2, out.writes, "later frames are written alone");
        assertEquals(List.of(), out.violations);
    }
}
