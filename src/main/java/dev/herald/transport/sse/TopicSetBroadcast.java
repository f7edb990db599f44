package dev.herald.transport.sse;

import dev.herald.hub.BroadcastGroup;
import dev.herald.hub.Event;
import dev.herald.hub.FrameFormat;
import dev.herald.hub.Subscriber;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JAX-RS engine's fan-out for one topic set: one {@link SseBroadcaster} (from {@link Sse#newBroadcaster()})
 * with a {@link MemberSink} per subscriber registered in it. Each member sink only queues the event in its
 * subscriber's bounded queue, so the broadcaster never waits for a client; the subscriber's writer lane then
 * writes it to the container's own sink. Every connection belongs to exactly one such group, which hands it
 * events in log order, so ids on a connection over several topics strictly increase.
 *
 * <p>A broadcaster has no way to unregister a sink. A member that left makes its sink throw on the next
 * send, which both runtimes treat as the end of that sink (Jersey cancels its subscription, RESTEasy removes
 * it); so that departed members do not pile up in a quiet group, a no-op frame sweeps them out once they
 * number as many as the members still here (at least {@value #SWEEP_AFTER}).
 */
final class TopicSetBroadcast implements BroadcastGroup {
    private static final int SWEEP_AFTER = 16;
    /** Ignored by every member sink; only makes the departed ones fail and be dropped by the broadcaster. */
    private static final OutboundSseEvent SWEEP = new JaxrsFrames.RetryHint(1, "sweep");

    private final SseBroadcaster broadcaster;
    private final FrameFormat<OutboundSseEvent> format;
    /** This group's members; bounded by the node's connections. */
    private final Map<Subscriber, MemberSink> members = new ConcurrentHashMap<>();
    private final AtomicInteger departedSinceSweep = new AtomicInteger();
    private volatile boolean closed;

    TopicSetBroadcast(Sse sse, FrameFormat<OutboundSseEvent> format) {
        this.broadcaster = sse.newBroadcaster();
        this.format = format;
    }

    @Override
    public void broadcast(Event event) {
        send(event.frame(format));
    }

    /** Both runtimes throw once the broadcaster is closed; a fan-out racing the group's close just ends. */
    private void send(OutboundSseEvent frame) {
        if (closed) {
            return;
        }
        try {
            broadcaster.broadcast(frame);
        } catch (IllegalStateException e) {
            if (!closed) {
                throw e;
            }
        }
    }

    @Override
    public void add(Subscriber member) {
        if (closed) {
            return;
        }
        MemberSink sink = new MemberSink(member);
        members.put(member, sink);
        broadcaster.register(sink);
    }

    @Override
    public void remove(Subscriber member) {
        MemberSink sink = members.remove(member);
        if (sink == null) {
            return;
        }
        sink.retire();
        if (departedSinceSweep.incrementAndGet() >= Math.max(SWEEP_AFTER, members.size())) {
            departedSinceSweep.set(0);
            send(SWEEP);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (MemberSink sink : members.values()) {
            sink.retire();
        }
        members.clear();
        broadcaster.close();
    }
}
