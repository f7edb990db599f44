package dev.herald.transport.sse;

import dev.herald.hub.CloseReason;
import dev.herald.hub.Event;
import dev.herald.hub.Signal;
import dev.herald.hub.Subscriber;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * SSE through the container's JAX-RS {@link SseEventSink}. Every call into it runs on the
 * {@link BlockingSendPool} (Jersey's block while the client does not read), one at a time: the next write
 * starts when the runtime completes the previous one, so its own unbounded queue never holds more than one
 * frame, and the container sink is closed only when no send is inside it.
 */
final class JaxrsSseSink extends SseSink {
    private final SseEventSink sink;
    private final JaxrsFrames frames;
    private final BlockingSendPool pool;
    // guarded by this: the preamble goes out before the first frame; a close waits for the send inside the sink
    private OutboundSseEvent preamble;
    private boolean sending;
    private boolean closeWanted;
    private boolean containerClosed;
    private volatile CloseReason closeReason;

    JaxrsSseSink(SseEventSink sink, JaxrsFrames frames, long retryMillis, BlockingSendPool pool,
                 String clientAddress) {
        super(clientAddress, retryMillis);
        this.sink = sink;
        this.frames = frames;
        this.preamble = frames.preamble(retryMillis);
        this.pool = pool;
    }

    @Override
    public boolean canWrite() {
        return true;
    }

    @Override
    public boolean write(Event event) {
        return send(event.frame(frames.eventFormat()));
    }

    @Override
    public boolean write(Signal signal) {
        return send(frames.signal(signal));
    }

    /** The preamble (headers, retry hint) goes out at once even before the first event. */
    @Override
    public void flush() {
        synchronized (this) {
            if (preamble == null || sending || closeWanted) {
                return;
            }
            sending = true;
        }
        if (!pool.execute(() -> callContainer(null), this::stalled)) {
            sendDone();
        }
    }

    private boolean send(OutboundSseEvent frame) {
        synchronized (this) {
            sending = true;
        }
        if (!pool.execute(() -> callContainer(frame), this::stalled)) {
            sendDone();
            report(new RejectedExecutionException("no room for another send (herald.sse.send-threads)"));
        }
        return false;
    }

    /** On a pool thread: the preamble if not sent yet, then the frame (null: the preamble only). */
    private void callContainer(OutboundSseEvent frame) {
        try {
            OutboundSseEvent first;
            synchronized (this) {
                first = preamble;
                preamble = null;
            }
            if (first != null) {
                sink.send(first);
            }
            if (frame == null) {
                sendDone();
                return;
            }
            CompletionStage<?> sent = sink.send(frame);
            sendDone();
            sent.whenComplete((ignored, failure) -> report(failure));
        } catch (RuntimeException e) {
            sendDone();
            report(e);
        }
    }

    private void report(Throwable failure) {
        Subscriber current = subscriber();
        if (current == null) {
            return;
        }
        if (failure != null) {
            current.writeFailed(failure);
        } else {
            current.writeCompleted();
        }
    }

    /** The send call has returned; a close that waited for it runs now, on this thread. */
    private void sendDone() {
        boolean closeNow;
        synchronized (this) {
            sending = false;
            closeNow = closeWanted && !containerClosed;
            containerClosed |= closeNow;
        }
        if (closeNow) {
            closeContainer();
        }
    }

    /** The pool gave up on this sink's send: every thread was stuck and this one waited longest. */
    private void stalled() {
        Subscriber current = subscriber();
        if (current != null) {
            current.writeStalled();
        }
    }

    @Override
    public void close(CloseReason reason) {
        closeReason = reason;
        synchronized (this) {
            closeWanted = true;
            if (sending || containerClosed) {
                return;
            }
            containerClosed = true;
        }
        if (!pool.execute(this::closeContainer, this::stalled)) {
            closeContainer();
        }
    }

    private void closeContainer() {
        CloseReason reason = closeReason;
        OutboundSseEvent last = reason == null ? null : frames.closing(reason, retryMillis);
        if (last != null) {
            try {
                sink.send(last);
            } catch (RuntimeException e) {
                // the client is gone
            }
        }
        try {
            sink.close();
        } catch (RuntimeException e) {
            // already closed by the client or the runtime
        }
    }
}
