package dev.herald.transport.sse;

import dev.herald.hub.BroadcastGroup;
import dev.herald.hub.Event;
import dev.herald.hub.FrameFormat;
import dev.herald.hub.Subscriber;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The JAX-RS engine's fan-out for one topic set: one {@link SseBroadcaster} (from {@link Sse#newBroadcaster()})
 * with a {@link LaneSink} per writer lane registered in it; each lane sink queues the event for its members,
 * whose writer lane then writes it to the container's own sink. Every connection belongs to exactly one
 * group, which hands it events in log order, so ids on a connection over several topics strictly increase.
 *
 * <p>Jersey's broadcaster buffers {@value #BROADCASTER_BUFFER} frames per registered sink and gives the
 * sink up when they fill (frames lost). So a broadcast waits, up to {@link #PACE_TIMEOUT_NANOS}, while a
 * lane sink is {@value #PACE_LIMIT} frames behind: the log's delivery slows down instead, as it does when
 * a direct fan-out is busy. If the runtime gives a sink up anyway, its members close as broadcast-overflow
 * (counted) and resume; the lane gets a fresh sink. RESTEasy's broadcaster calls the sinks on the
 * broadcasting thread, so it is never behind.
 */
final class TopicSetBroadcast implements BroadcastGroup {
    static final int BROADCASTER_BUFFER = 256;
    private static final int PACE_LIMIT = BROADCASTER_BUFFER / 2;
    private static final long PACE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final SseBroadcaster broadcaster;
    private final FrameFormat<OutboundSseEvent> format;
    private final AtomicReferenceArray<LaneSink> lanes;
    /** What each lane's current sink had been sent before it was registered, so its lag is sent - sink's received. */
    private final long[] sentBefore;
    /** Frames broadcast so far; written by the delivering thread only. */
    private volatile long sent;
    private volatile boolean closed;

    TopicSetBroadcast(Sse sse, FrameFormat<OutboundSseEvent> format, int laneCount) {
        this.broadcaster = sse.newBroadcaster();
        // a sink the broadcaster gives up or closes is done with; LaneSink.close tells a loss from our own close
        broadcaster.onError((sink, failure) -> sink.close());
        broadcaster.onClose(SseEventSink::close);
        this.format = format;
        this.lanes = new AtomicReferenceArray<>(laneCount);
        this.sentBefore = new long[laneCount];
        for (int i = 0; i < laneCount; i++) {
            LaneSink sink = new LaneSink();
            lanes.set(i, sink);
            broadcaster.register(sink);
        }
    }

    @Override
    public void broadcast(Event event) {
        if (closed) {
            return;
        }
        paceToTheSlowestLane();
        try {
            broadcaster.broadcast(event.frame(format));
            sent++;
        } catch (IllegalStateException e) {
            // both runtimes throw once the broadcaster is closed: a fan-out racing the group's close just ends
            if (!closed) {
                throw e;
            }
        }
    }

    private void paceToTheSlowestLane() {
        long deadline = System.nanoTime() + PACE_TIMEOUT_NANOS;
        for (int i = 0; i < lanes.length(); i++) {
            LaneSink sink = lanes.get(i);
            while (!sink.isClosed() && sent - sentBefore[i] - sink.received() >= PACE_LIMIT
                    && System.nanoTime() < deadline) {
                LockSupport.parkNanos(50_000);
            }
        }
    }

    @Override
    public void add(Subscriber member) {
        if (closed) {
            return;
        }
        int lane = Math.floorMod(member.laneIndex(), lanes.length());
        LaneSink sink = lanes.get(lane);
        if (sink.isClosed()) {
            sink = freshSink(lane, sink);
        }
        sink.add(member);
        if (sink.isClosed()) {
            // given up while we joined: events may have been lost for this member too
            member.broadcastLost();
        }
    }

    /** Replaces a sink the broadcaster gave up (its members were closed) for the members that come next. */
    private synchronized LaneSink freshSink(int lane, LaneSink lost) {
        LaneSink current = lanes.get(lane);
        if (current != lost || closed) {
            return current;
        }
        LaneSink fresh = new LaneSink();
        sentBefore[lane] = sent;
        lanes.set(lane, fresh);
        broadcaster.register(fresh);
        return fresh;
    }

    @Override
    public void remove(Subscriber member) {
        lanes.get(Math.floorMod(member.laneIndex(), lanes.length())).remove(member);
    }

    @Override
    public void close() {
        closed = true;
        for (int i = 0; i < lanes.length(); i++) {
            lanes.get(i).retire();
        }
        broadcaster.close();
    }
}
