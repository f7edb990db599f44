package dev.herald.transport.sse;

import dev.herald.hub.Subscriber;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a {@link TopicSetBroadcast} registers for one subscriber: {@link #send} queues the event in the
 * subscriber's bounded queue (the topic's overflow policy applies there) and returns a completed stage. It
 * never blocks and never fails while the subscriber is here; once it has left, it throws, so that the
 * broadcaster drops it.
 */
final class MemberSink implements SseEventSink {
    private static final CompletionStage<Void> QUEUED = CompletableFuture.completedStage(null);

    private final Subscriber member;
    /** Set when the subscriber left the group; from then on the broadcaster's calls mean nothing. */
    private volatile boolean retired;

    MemberSink(Subscriber member) {
        this.member = member;
    }

    @Override
    public boolean isClosed() {
        return retired;
    }

    @Override
    public CompletionStage<?> send(OutboundSseEvent frame) {
        if (retired) {
            throw new IllegalStateException("this subscriber has left its broadcast group");
        }
        if (frame instanceof JaxrsFrames.EventFrame event) {
            member.offerBroadcast(event.event());
        }
        return QUEUED;
    }

    /**
     * The broadcaster closes a sink it gives up on (Jersey: its 256-event buffer for this sink filled up, so
     * events are lost) or when it closes itself (after {@link #retire}): the first case closes the subscriber.
     */
    @Override
    public void close() {
        if (!retired) {
            retired = true;
            member.broadcastLost();
        }
    }

    void retire() {
        retired = true;
    }
}
