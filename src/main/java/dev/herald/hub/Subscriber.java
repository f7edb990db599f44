package dev.herald.hub;

import java.util.List;

/**
 * One connected client: a bounded {@link EventQueue} (events and bytes) with the topic's overflow policy
 * in front of it, drained by its {@link WriterLane} with at most one write in flight. All state is guarded
 * by {@code this}; the sink is only ever called from the drain loop.
 */
public final class Subscriber implements Runnable {
    private final Hub hub;
    private final Sink sink;
    private final WriterLane lane;
    /** {@link Sink#buffersWrites()}, read once. */
    private final boolean buffersWrites;
    /** Link in the lane's ready queue; written by the scheduler that queues it, read by the lane. */
    Subscriber nextReady;
    private final int maxEvents;
    private final long maxBytes;

    /** Topics of this subscription; replaced, never mutated (guarded by the hub's lock for writes). */
    private volatile String[] topics;

    private final EventQueue queue = new EventQueue();

    /** Signals that go out before the next queued event. */
    private final PendingSignals pending = new PendingSignals();
    /** Replies one subscriber may have waiting (see {@link #reply}). */
    public static final int MAX_PENDING_REPLIES = PendingSignals.MAX_REPLIES;
    private boolean heartbeatDue;

    /** Wall-clock millis at which the credential that allowed this connection ends; MAX_VALUE: never. */
    private volatile long expiresAtMillis = Long.MAX_VALUE;
    /** Events below this sequence reach this subscriber by replay, not live (see Hub.subscribe). */
    private long liveFrom;
    /** The broadcast group that feeds this subscriber, or null when the hub offers it events itself. */
    private volatile GroupMembership group;
    /** False until the replay is in the queue: live events queue up, but nothing is written before it. */
    private boolean preloaded;

    // drain state
    /** The event being written, so its delivery is counted when the write completes; null for signals. */
    private Event inFlightEvent;
    private boolean scheduled;
    private boolean inFlight;
    private boolean awaitingWritable;
    private boolean needsFlush;
    private boolean closed;
    /** Set by a drain: no more live events; once what is queued is written, the subscriber closes for it. */
    private CloseReason finishing;
    private CloseReason closeReason;
    private boolean sinkClosed;
    private long blockedSinceNanos;
    private long lastWriteNanos;
    /** {@link Sink#answersHeartbeats()}, read once; then heartbeats go every interval and must be answered. */
    private final boolean answersHeartbeats;
    /** When the oldest unanswered heartbeat was sent; 0: none outstanding. */
    private long unansweredSinceNanos;
    private long lastHeartbeatNanos;
    /** {@link Sink#clientAddress()}, read once (the registry counts connections per address). */
    final String clientAddress;

    Subscriber(Hub hub, Sink sink, String[] topics, WriterLane lane, int maxEvents, long maxBytes) {
        this.hub = hub;
        this.sink = sink;
        this.lane = lane;
        this.buffersWrites = sink.buffersWrites();
        this.topics = topics;
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.lastWriteNanos = System.nanoTime();
        this.lastHeartbeatNanos = lastWriteNanos;
        this.answersHeartbeats = sink.answersHeartbeats();
        this.clientAddress = sink.clientAddress();
    }

    public List<String> topics() {
        return List.of(topics);
    }

    String[] topicArray() {
        return topics;
    }

    void topics(String[] replacement) {
        topics = replacement;
    }

    public String transport() {
        return sink.transport();
    }

    WriterLane lane() {
        return lane;
    }

    /** The writer lane this subscriber belongs to (0 .. herald.writer-threads - 1). */
    public int laneIndex() {
        return lane.index();
    }

    GroupMembership group() {
        return group;
    }

    void group(GroupMembership membership) {
        group = membership;
    }

    /** Set by the hub, under its registry lock, before the subscriber is visible to fan-out. */
    void liveFrom(long sequence) {
        liveFrom = sequence;
    }

    public synchronized int queuedEvents() {
        return queue.size();
    }

    /** The token subject that opened this connection (null: none), for revocation. */
    private volatile String subject;

    public void subject(String tokenSubject) {
        subject = tokenSubject;
    }

    String subject() {
        return subject;
    }

    /** The hub closes this connection (token-expired) once the wall clock passes this; a renewal moves it. */
    public void expiresAt(long epochMillis) {
        expiresAtMillis = epochMillis;
    }

    long expiresAtMillis() {
        return expiresAtMillis;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * History replay and resume signal, queued ahead of the live events that arrived since registration;
     * replayed events at or past {@link #liveFrom} are skipped (they arrive live). Starts the first drain.
     */
    void preload(Signal.Reset reset, List<Event> replay) {
        synchronized (this) {
            preloaded = true;
            if (closed) {
                // closed before its first drain (e.g. an overflow right after joining): that drain closes the sink
                if (sinkClosed || scheduled) {
                    return;
                }
            } else {
                pending.subscribed(new Signal.Subscribed(List.of(topics)));
                pending.reset(reset);
                if (!replay.isEmpty()) {
                    // a replay may exceed the live bound: it only holds references to events the log keeps anyway
                    queue.prepend(replay, liveFrom);
                }
                // the first drain flushes at once, so a client sees its response start without waiting for an event
                needsFlush = true;
            }
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        lane.schedule(this);
    }

    /** Tells the client its subscription changed; sent ahead of queued events. */
    void announce(Signal.Subscribed subscribed) {
        announce(subscribed, null);
    }

    /**
     * Queues an answer to this client's own request, sent ahead of queued events; false when the subscriber
     * is closed or already has {@link #MAX_PENDING_REPLIES} unsent.
     */
    public boolean reply(String json) {
        boolean submit;
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (!pending.reply(new Signal.Reply(json))) {
                return false;
            }
            submit = !scheduled && !inFlight && !awaitingWritable && preloaded;
            if (submit) {
                scheduled = true;
            }
        }
        if (submit) {
            lane.schedule(this);
        }
        return true;
    }

    /** Tells the client its history may have a gap (the log lost some); sent ahead of queued events. */
    void announce(Signal.Reset reset) {
        announce(null, reset);
    }

    private void announce(Signal.Subscribed subscribed, Signal.Reset reset) {
        boolean submit;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (subscribed != null) {
                pending.subscribed(subscribed);
            }
            pending.reset(reset);
            submit = !scheduled && !inFlight && !awaitingWritable;
            if (submit) {
                scheduled = true;
            }
        }
        if (submit) {
            lane.schedule(this);
        }
    }

    /** {@link #offer} outcomes. */
    static final int QUEUED = 0;
    static final int QUEUED_AFTER_OVERFLOW = 1;
    static final int MUST_DISCONNECT = 2;

    /**
     * Enqueues a live event, applying the topic's overflow policy when the queue is full. Never blocks.
     * On {@link #MUST_DISCONNECT} the hub closes the subscriber once fan-out is done.
     */
    int offer(Event event) {
        boolean submit;
        int outcome = QUEUED;
        synchronized (this) {
            if (closed || finishing != null || event.sequence() < liveFrom) {
                // a finishing client resumes from its last id on another node: nothing is lost by not queueing
                return QUEUED;
            }
            if (queue.full(event, maxEvents, maxBytes)) {
                outcome = makeRoom(event) ? QUEUED_AFTER_OVERFLOW : MUST_DISCONNECT;
            }
            if (outcome != MUST_DISCONNECT) {
                queue.add(event);
                hub.metrics().queueDepth(sink.transport(), queue.size());
            }
            submit = outcome != MUST_DISCONNECT && preloaded && !scheduled && !inFlight && !awaitingWritable;
            if (submit) {
                scheduled = true;
            }
        }
        if (submit) {
            lane.schedule(this);
        }
        return outcome;
    }

    /**
     * A live event from this subscriber's {@link BroadcastGroup}: queued under the topic's policy like the
     * hub's own offers (events below {@code liveFrom} are skipped); an overflow on a disconnect topic closes
     * the subscriber as slow-consumer. Never blocks; safe from the broadcaster's threads.
     */
    public void offerBroadcast(Event event) {
        if (offer(event) == MUST_DISCONNECT) {
            hub.closeOverflowed(this);
        }
    }

    /** The broadcaster gave up on this subscriber (events were lost on the way): closed so the client resumes. */
    public void broadcastLost() {
        hub.close(this, CloseReason.BROADCAST_OVERFLOW);
    }

    /** Returns false if the policy says this subscriber must be disconnected instead. */
    private boolean makeRoom(Event incoming) {
        OverflowPolicy policy = hub.policyFor(incoming.topic());
        if (policy.kind() == OverflowPolicy.Kind.DISCONNECT) {
            return false;
        }
        if (policy.kind() == OverflowPolicy.Kind.CONFLATE && incoming.conflationKey() != null) {
            int index = queue.indexOfSameKey(incoming);
            if (index >= 0) {
                queue.removeAt(index);
                hub.metrics().eventsDropped(sink.transport(), "conflated", 1);
            }
        }
        while (queue.full(incoming, maxEvents, maxBytes)) {
            Event oldest = queue.peek();
            // an event whose topic never drops silently takes the connection down with it instead
            if (hub.policyFor(oldest.topic()).kind() == OverflowPolicy.Kind.DISCONNECT) {
                return false;
            }
            queue.poll();
            pending.dropped(oldest.topic());
            hub.metrics().eventsDropped(sink.transport(), "drop-oldest", 1);
        }
        return true;
    }

    /** Next thing to write, in stream order: pending signals, queued events, heartbeat (a ping first when due). */
    private Object takeNext() {
        Signal signal = pending.next();
        if (signal != null) {
            return signal;
        }
        if (!queue.isEmpty() && !(heartbeatDue && answersHeartbeats)) {
            // an event proves a quiet-only heartbeat unnecessary; a ping the peer must answer still goes
            heartbeatDue = false;
            return queue.poll();
        }
        if (heartbeatDue) {
            heartbeatDue = false;
            lastHeartbeatNanos = System.nanoTime();
            if (answersHeartbeats && unansweredSinceNanos == 0) {
                unansweredSinceNanos = lastHeartbeatNanos;
            }
            return Signal.HEARTBEAT;
        }
        return null;
    }

    private boolean hasWork() {
        return !queue.isEmpty() || !pending.isEmpty() || heartbeatDue || needsFlush || finishing != null;
    }

    /** The drain loop; runs on this subscriber's writer lane, never on two threads at once. */
    @Override
    public void run() {
        try {
            drain();
        } catch (Throwable e) {
            // the sink threw (an Error too: a subscriber left marked scheduled would never be drained again):
            // this drain is over, so the close below must schedule the one that closes the sink
            synchronized (this) {
                scheduled = false;
                inFlight = false;
                inFlightEvent = null;
            }
            if (e instanceof Error) {
                // kept from the lane thread, which serves other subscribers too, but never hidden
                System.getLogger(Subscriber.class.getName()).log(System.Logger.Level.ERROR, "a sink failed", e);
            }
            writeFailed(e);
        }
    }

    private void drain() {
        while (true) {
            Object next;
            CloseReason reasonToClose = null;
            CloseReason flushedFor = null;
            synchronized (this) {
                if (closed) {
                    scheduled = false;
                    if (sinkClosed) {
                        return;
                    }
                    sinkClosed = true;
                    reasonToClose = closeReason;
                    next = null;
                } else {
                    if (!sink.canWrite()) {
                        scheduled = false;
                        awaitingWritable = true;
                        blockedSinceNanos = System.nanoTime();
                        return;
                    }
                    next = takeNext();
                    if (next == null) {
                        if (!needsFlush) {
                            scheduled = false;
                            flushedFor = finishing;
                            if (flushedFor == null) {
                                return;
                            }
                        }
                        needsFlush = false;
                    } else {
                        inFlight = true;
                        inFlightEvent = next instanceof Event event ? event : null;
                        needsFlush = buffersWrites;
                        blockedSinceNanos = lastWriteNanos = System.nanoTime();
                    }
                }
            }
            if (reasonToClose != null) {
                sink.close(reasonToClose);
                return;
            }
            if (flushedFor != null) {
                // flushed: the close marks it closed and schedules the drain that closes the sink
                hub.close(this, flushedFor);
                return;
            }
            if (next == null) {
                sink.flush();
                continue;
            }
            boolean finished;
            if (next instanceof Event event) {
                finished = sink.write(event);
            } else {
                finished = sink.write((Signal) next);
            }
            Event delivered = null;
            synchronized (this) {
                if (finished) {
                    inFlight = false;
                    delivered = inFlightEvent;
                    inFlightEvent = null;
                }
                if (inFlight && !closed) {
                    scheduled = false;
                    return;
                }
            }
            if (delivered != null) {
                delivered(delivered);
            }
        }
    }

    /** Counted when the write completed, not when it started: a failed send is no delivery. */
    private void delivered(Event event) {
        hub.metrics().eventDelivered(sink.transport(), System.nanoTime() - event.publishedNanos());
    }

    /** An asynchronous write finished; called by the sink from any thread. */
    public void writeCompleted() {
        resumeAfter(false);
    }

    /** The transport may accept writes again (Servlet WriteListener.onWritePossible). */
    public void writePossible() {
        resumeAfter(true);
    }

    private void resumeAfter(boolean writable) {
        boolean submit;
        Event delivered = null;
        synchronized (this) {
            if (writable) {
                awaitingWritable = false;
            } else {
                inFlight = false;
                delivered = inFlightEvent;
                inFlightEvent = null;
            }
            // nothing is written before the replay is queued (a container may report writability earlier)
            submit = !closed && preloaded && !scheduled && !inFlight && !awaitingWritable && hasWork();
            if (submit) {
                scheduled = true;
            }
        }
        if (delivered != null) {
            delivered(delivered);
        }
        if (submit) {
            lane.schedule(this);
        }
    }

    /**
     * Ends the connection gracefully (a drain): live events stop here, what is queued is written and flushed,
     * then the subscriber closes for {@code reason}. A client that does not read is closed by the write timeout.
     */
    void finish(CloseReason reason) {
        boolean submit;
        synchronized (this) {
            if (closed || finishing != null) {
                return;
            }
            finishing = reason;
            submit = preloaded && !scheduled && !inFlight && !awaitingWritable;
            if (submit) {
                scheduled = true;
            }
        }
        if (submit) {
            lane.schedule(this);
        }
    }

    /** The peer answered a heartbeat (a WebSocket pong): it is alive. */
    public synchronized void heartbeatAnswered() {
        unansweredSinceNanos = 0;
    }

    /** The transport gave up on a write that does not end (its threads are all stuck): closed as write-timeout. */
    public void writeStalled() {
        hub.close(this, CloseReason.WRITE_TIMEOUT);
    }

    /** A write failed or the transport saw the client go: the subscriber is closed and forgotten. */
    public void writeFailed(Throwable cause) {
        synchronized (this) {
            inFlightEvent = null;
        }
        hub.close(this, CloseReason.CLIENT_GONE);
    }

    /**
     * Marks the subscriber closed; the drain loop then closes the sink, never concurrently with a write.
     * When the server ends the connection, the events it gives up (queued, and the one being written) are
     * counted as dropped for reason disconnect; a client that leaves by itself drops nothing.
     *
     * @param refused events the caller gave up for this subscriber besides its queue (the one that overflowed it)
     */
    boolean markClosed(CloseReason reason, int refused) {
        boolean submit;
        long givenUp;
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
            closeReason = reason;
            givenUp = queue.size() + refused + (inFlightEvent != null ? 1 : 0);
            inFlightEvent = null;
            queue.release();
            pending.clear();
            // before preload the sink may not even be attached: preload schedules the drain that closes it
            submit = !scheduled && preloaded;
            scheduled = scheduled || preloaded;
        }
        if (reason.serverInitiated() && givenUp > 0) {
            hub.metrics().eventsDropped(sink.transport(), "disconnect", givenUp);
        }
        if (submit) {
            lane.schedule(this);
        }
        return true;
    }

    /** The subscription failed before anything was written: forget it without touching the sink. */
    synchronized void abandon() {
        closed = true;
        sinkClosed = true;
        closeReason = CloseReason.CLIENT_GONE;
        queue.release();
    }

    /**
     * Periodic check from the hub: write timeout first, then an unanswered heartbeat, then a heartbeat if the
     * connection has been quiet (or, for a transport whose peer answers them, if the last one is an interval old).
     */
    void tick(long nowNanos, long writeTimeoutNanos, long heartbeatNanos, long pongTimeoutNanos) {
        CloseReason timedOut = null;
        boolean submit = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            boolean blocked = inFlight || awaitingWritable;
            if (blocked && nowNanos - blockedSinceNanos > writeTimeoutNanos) {
                timedOut = CloseReason.WRITE_TIMEOUT;
            } else if (unansweredSinceNanos != 0 && nowNanos - unansweredSinceNanos > pongTimeoutNanos) {
                timedOut = CloseReason.PONG_TIMEOUT;
            } else if (!blocked && preloaded && !heartbeatDue
                    && nowNanos - (answersHeartbeats ? lastHeartbeatNanos : lastWriteNanos) >= heartbeatNanos) {
                heartbeatDue = true;
                submit = !scheduled;
                scheduled = true;
            }
        }
        if (timedOut != null) {
            hub.close(this, timedOut);
        } else if (submit) {
            lane.schedule(this);
        }
    }
}
