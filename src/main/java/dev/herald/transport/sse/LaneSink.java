package dev.herald.transport.sse;

import dev.herald.hub.Subscriber;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a {@link TopicSetBroadcast} registers in its broadcaster: one per writer lane, serving the group's
 * subscribers of that lane. {@link #send} queues the event in each member's bounded queue (the topic's
 * overflow policy applies there) and returns a completed stage: it never blocks and never fails, so the
 * broadcaster never waits for a client. One sink per lane, not per connection, keeps what the broadcaster
 * runs per event (Jersey: a task per registered sink on its own unbounded executor) at the lane count.
 */
final class LaneSink implements SseEventSink {
    private static final CompletionStage<Void> QUEUED = CompletableFuture.completedStage(null);

    /** This lane's members of the group; bounded by the node's connections. */
    private final Set<Subscriber> members = ConcurrentHashMap.newKeySet();
    /** Frames handed to {@link #send} so far; the group paces its broadcasts by it. */
    private final AtomicLong received = new AtomicLong();
    private volatile boolean closed;
    /** Set by the group when it closes; a close from the broadcaster before that means events were lost. */
    private volatile boolean retired;

    void add(Subscriber member) {
        members.add(member);
    }

    void remove(Subscriber member) {
        members.remove(member);
    }

    long received() {
        return received.get();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public CompletionStage<?> send(OutboundSseEvent frame) {
        if (closed) {
            throw new IllegalStateException("this lane's broadcast sink is closed");
        }
        if (frame instanceof JaxrsFrames.EventFrame event) {
            for (Subscriber member : members) {
                member.offerBroadcast(event.event());
            }
        }
        received.incrementAndGet();
        return QUEUED;
    }

    /**
     * The broadcaster closes a sink when it closes itself (after {@link #retire}) or when it gives up on it
     * (Jersey: the sink's 256-frame buffer filled up, so frames were lost): then every member is closed as
     * broadcast-overflow and resumes, and the group registers a fresh sink for the lane.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!retired) {
            for (Subscriber member : members) {
                member.broadcastLost();
            }
        }
    }

    void retire() {
        retired = true;
    }
}
