package dev.herald.transport.sse;

import dev.herald.hub.CloseReason;
import dev.herald.hub.Event;
import dev.herald.hub.Hub;
import dev.herald.hub.Signal;
import dev.herald.hub.Subscriber;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * SSE over Servlet async I/O: writes only while {@link ServletOutputStream#isReady()}, so a client that
 * stops reading stops the writes (the container buffers at most one chunk) and the hub's queue takes over.
 */
final class ServletSseSink extends SseSink implements WriteListener, AsyncListener {
    private final Hub hub;
    private final AsyncContext async;
    private final ServletOutputStream out;
    private byte[] preamble;

    ServletSseSink(Hub hub, AsyncContext async, ServletOutputStream out, byte[] preamble) {
        this.hub = hub;
        this.async = async;
        this.out = out;
        this.preamble = preamble;
    }

    @Override
    public boolean canWrite() {
        return out.isReady();
    }

    @Override
    public boolean write(Event event) {
        return send(event.frame(SseFrames.EVENT));
    }

    @Override
    public boolean write(Signal signal) {
        return send(SseFrames.signal(signal));
    }

    private boolean send(byte[] frame) {
        try {
            writePreamble();
            out.write(frame);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writePreamble() throws IOException {
        if (preamble != null) {
            byte[] first = preamble;
            preamble = null;
            out.write(first);
        }
    }

    @Override
    public void flush() {
        try {
            writePreamble();
            if (out.isReady()) {
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close(CloseReason reason) {
        try {
            async.complete();
        } catch (RuntimeException e) {
            // already completed or the connection is gone: nothing left to release
        }
    }

    // WriteListener: the container tells us when a blocked write may continue, or that the client is gone
    @Override
    public void onWritePossible() {
        Subscriber current = subscriber();
        if (current != null) {
            current.writePossible();
        }
    }

    @Override
    public void onError(Throwable failure) {
        gone();
    }

    // AsyncListener: end of the response from the container's side
    @Override
    public void onComplete(AsyncEvent event) {
        gone();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        gone();
    }

    @Override
    public void onError(AsyncEvent event) {
        gone();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not re-dispatched
    }

    private void gone() {
        Subscriber current = subscriber();
        if (current != null) {
            hub.close(current, CloseReason.CLIENT_GONE);
        }
    }
}
