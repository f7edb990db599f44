package dev.herald.transport.sse;

import dev.herald.hub.CloseReason;
import dev.herald.hub.Event;
import dev.herald.hub.Signal;
import dev.herald.hub.Subscriber;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.concurrent.CompletionStage;

/**
 * SSE through JAX-RS {@link SseEventSink}. One send in flight at a time: the next starts when the runtime
 * completes the previous one, so the JAX-RS runtime's own (unbounded) queue never holds more than a frame.
 */
final class JaxrsSseSink extends SseSink {
    private final SseEventSink sink;
    private final JaxrsFrames frames;
    private OutboundSseEvent preamble;

    JaxrsSseSink(SseEventSink sink, JaxrsFrames frames, OutboundSseEvent preamble) {
        this.sink = sink;
        this.frames = frames;
        this.preamble = preamble;
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

    @Override
    public void flush() {
        if (preamble != null) {
            send(null);
        }
    }

    private boolean send(OutboundSseEvent frame) {
        OutboundSseEvent next = frame;
        if (preamble != null) {
            // the preamble goes out first on its own; the frame follows in this same (ordered) runtime queue
            OutboundSseEvent first = preamble;
            preamble = null;
            sink.send(first);
        }
        if (next == null) {
            return true;
        }
        CompletionStage<?> sent = sink.send(next);
        sent.whenComplete((ignored, failure) -> {
            Subscriber current = subscriber();
            if (current == null) {
                return;
            }
            if (failure != null) {
                current.writeFailed(failure);
            } else {
                current.writeCompleted();
            }
        });
        return false;
    }

    @Override
    public void close(CloseReason reason) {
        try {
            sink.close();
        } catch (RuntimeException e) {
            // already closed by the client or the runtime
        }
    }
}
