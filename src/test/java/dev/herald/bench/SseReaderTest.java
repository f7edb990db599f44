package dev.herald.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SseReaderTest {
    /** Heartbeat, retry hint, a typed event, multi-line data (CRLF) and an event that keeps the last id. */
    private static final String BODY = ": keepalive\n"
            + "retry: 5000\n"
            + "id: e-1\n"
            + "event: message\n"
            + "data: {\"sent\":1,\"seq\":1}\n"
            + "\n"
            + ": keepalive\r\n"
            + "id: e-2\r\n"
            + "data: line one\r\n"
            + "data:line two, café\r\n"
            + "\r\n"
            + "data: {\"sent\":3,\"seq\":3}\n"
            + "\n";

    private static final List<String> EVENTS = List.of(
            "e-1|message|{\"sent\":1,\"seq\":1}",
            "e-2|null|line one\nline two, café",
            // the last event id stays until the server sends another (SSE spec); the type does not
            "e-2|null|{\"sent\":3,\"seq\":3}");

    /** Collects events as id|type|data. */
    private static final class Events implements SseReader.Listener {
        final List<String> seen = new ArrayList<>();

        @Override
        public void event(String id, String type, String data) {
            seen.add(id + "|" + type + "|" + data);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** HTTP/1.1 chunked framing of {@code body} in pieces of the given sizes (the rest in a last piece). */
    private static byte[] chunked(byte[] body, int... sizes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        for (int i = 0; at < body.length; i++) {
            int size = i < sizes.length ? Math.min(sizes[i], body.length - at) : body.length - at;
            // upper-case hex on purpose: servers differ
            out.writeBytes(bytes(Integer.toHexString(size).toUpperCase(Locale.ROOT) + "\r\n"));
            out.write(body, at, size);
            out.writeBytes(bytes("\r\n"));
            at += size;
        }
        return out.toByteArray();
    }

    private static List<String> readAll(boolean chunked, byte[]... pieces) throws IOException {
        SseReader reader = new SseReader(chunked);
        Events events = new Events();
        for (byte[] piece : pieces) {
            ByteBuffer buffer = ByteBuffer.wrap(piece);
            reader.feed(buffer, events);
            assertFalse(buffer.hasRemaining(), "the reader keeps what it needs, the buffer is reused");
        }
        return events.seen;
    }

    private static List<String> byteByByte(boolean chunked, byte[] wire) throws IOException {
        byte[][] pieces = new byte[wire.length][];
        for (int i = 0; i < wire.length; i++) {
            pieces[i] = new byte[] {wire[i]};
        }
        return readAll(chunked, pieces);
    }

    private static void everySplit(boolean chunked, byte[] wire) throws IOException {
        for (int at = 0; at <= wire.length; at++) {
            assertEquals(EVENTS, readAll(chunked, Arrays.copyOfRange(wire, 0, at),
                    Arrays.copyOfRange(wire, at, wire.length)), "split at " + at);
        }
    }

    @Test
    void plainBody() throws IOException {
        assertEquals(EVENTS, readAll(false, bytes(BODY)));
    }

    @Test
    void plainBodyByteByByte() throws IOException {
        // "café" is two bytes in UTF-8: a line is decoded whole, never per read
        assertEquals(EVENTS, byteByByte(false, bytes(BODY)));
    }

    @Test
    void plainBodySplitAnywhere() throws IOException {
        everySplit(false, bytes(BODY));
    }

    @Test
    void eventWithoutDataIsNotDispatched() throws IOException {
        // and its type does not stick to the next event
        assertEquals(List.of("null|null|x"), readAll(false, bytes("event: herald.reset\n\ndata: x\n\n")));
    }

    @Test
    void incompleteEventWaitsForItsBlankLine() throws IOException {
        assertEquals(List.of(), readAll(false, bytes("id: 1\ndata: half\n")));
    }

    @Test
    void chunkedBodyInOneRead() throws IOException {
        assertEquals(EVENTS, readAll(true, chunked(bytes(BODY), 7, 30, 1, 50)));
    }

    @Test
    void chunkedBodyByteByByte() throws IOException {
        // chunk boundaries in the middle of lines, of CRLFs and of a multi-byte character
        byte[] wire = chunked(bytes(BODY), 7, 30, 1, 50, 3);
        assertEquals(EVENTS, byteByByte(true, wire));
    }

    @Test
    void chunkedBodySplitAtEveryOffset() throws IOException {
        everySplit(true, chunked(bytes(BODY), 7, 30, 1, 50, 3));
    }

    @Test
    void oneChunkPerEventSplitAtEveryOffset() throws IOException {
        // how servers usually flush: one chunk per event, sizes above 15 so the size line has two hex digits
        byte[] body = bytes(BODY);
        int first = BODY.indexOf("\n\n") + 2;
        everySplit(true, chunked(body, first, body.length - first));
    }

    @Test
    void chunkExtensionIsIgnored() throws IOException {
        byte[] wire = bytes("5;ext=1\r\ndata:\r\n8 ; name=\"v\"\r\n x\n\n: hi\r\n");
        assertEquals(List.of("null|null|x"), readAll(true, wire));
        assertEquals(List.of("null|null|x"), byteByByte(true, wire));
    }

    @Test
    void lastChunkEndsTheStream() {
        byte[] wire = bytes("7\r\ndata: 1\r\n2\r\n\n\n\r\n0\r\n\r\n");
        Events events = new Events();
        SseReader reader = new SseReader(true);
        IOException e = assertThrows(IOException.class, () -> reader.feed(ByteBuffer.wrap(wire), events));
        assertEquals("the server ended the event stream", e.getMessage());
        assertEquals(List.of("null|null|1"), events.seen, "what came before the end is delivered");
    }

    @Test
    void overLongLineIsRejected() {
        byte[] line = new byte[(1 << 20) + 1];
        Arrays.fill(line, (byte) 'a');
        SseReader reader = new SseReader(false);
        IOException e = assertThrows(IOException.class, () -> reader.feed(ByteBuffer.wrap(line), new Events()));
        assertEquals("SSE line longer than 1048576 bytes", e.getMessage());
    }

    @Test
    void lineAtTheLimitIsAccepted() throws IOException {
        String data = "a".repeat((1 << 20) - "data: ".length());
        assertEquals(List.of("null|null|" + data), readAll(false, bytes("data: " + data + "\n\n")));
    }
}
