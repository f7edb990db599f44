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
    /** False until the WriteListener is set: before that, isReady() is not defined (Undertow throws). */
    private volatile boolean listening;

    ServletSseSink(Hub hub, AsyncContext async, ServletOutputStream out, long retryMillis, String clientAddress) {
        super(clientAddress, retryMillis);
        this.hub = hub;
        this.async = async;
        this.out = out;
        this.preamble = SseFrames.preamble(retryMillis);
    }

    @Override
    public boolean canWrite() {
        return listening && out.isReady();
    }

    /**
     * The WriteListener is set: writes may start. The container's first onWritePossible may have come
     * before this flag was up and found the sink unwritable, so the subscriber is told once more.
     */
    void listening() {
        listening = true;
        Subscriber current = subscriber();
        if (current != null) {
            current.writePossible();
        }
    }

    @Override
    public boolean write(Event event) {
        return send(event.frame(SseFrames.EVENT));
    }

    @Override
    public boolean write(Signal signal) {
        return send(SseFrames.signal(signal));
    }

    /**
     * One write per call: the hub checked {@link #canWrite()} before it, and the servlet contract forbids a
     * second write until isReady() is true again, so the preamble goes out joined to the first frame.
     */
    private boolean send(byte[] frame) {
        try {
            byte[] bytes = frame;
            if (preamble != null) {
                bytes = new byte[preamble.length + frame.length];
                System.arraycopy(preamble, 0, bytes, 0, preamble.length);
                System.arraycopy(frame, 0, bytes, preamble.length, frame.length);
                preamble = null;
            }
            out.write(bytes);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Called with a writable stream (see Subscriber): the preamble alone if nothing was written yet. */
    @Override
    public void flush() {
        try {
            if (preamble != null) {
                byte[] first = preamble;
                preamble = null;
                out.write(first);
            }
            if (out.isReady()) {
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close(CloseReason reason) {
        byte[] last = SseFrames.closing(reason, retryMillis);
        if (last != null) {
            try {
                // only if it fits now: a client that does not read is not waited for
                if (out.isReady()) {
                    out.write(last);
                    if (out.isReady()) {
                        out.flush();
                    }
                }
            } catch (IOException | IllegalStateException e) {
                // the client is gone: it learns nothing more
            }
        }
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
