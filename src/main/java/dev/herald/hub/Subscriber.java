package dev.herald.hub;

import java.util.Arrays;
import java.util.List;

/**
 * One connected client: a bounded queue (events and bytes) drained by the hub's writer pool with at most
 * one write in flight. Idle subscribers hold no queue array, so an idle connection costs a few dozen bytes
 * here. All queue state is guarded by {@code this}; the sink is only ever called from the drain loop.
 */
public final class Subscriber implements Runnable {
    private static final Event[] EMPTY = new Event[0];
    private static final int FIRST_CAPACITY = 8;

    private final Hub hub;
    private final Sink sink;
    private final int maxEvents;
    private final long maxBytes;

    /** Topics of this subscription; replaced, never mutated (guarded by the hub's lock for writes). */
    private volatile String[] topics;

    // queue: a ring that grows on demand up to the event bound
    private Event[] ring = EMPTY;
    private int head;
    private int count;
    private long queuedBytes;

    // signals waiting to go out before the next queued event
    private Signal.Subscribed pendingSubscribed;
    private Signal.Reset pendingReset;
    private String[] droppedTopics;
    private long[] droppedCounts;
    private boolean heartbeatDue;

    // drain state
    private boolean scheduled;
    private boolean inFlight;
    private boolean awaitingWritable;
    private boolean needsFlush;
    private boolean closed;
    private CloseReason closeReason;
    private boolean sinkClosed;
    private long blockedSinceNanos;
    private long lastWriteNanos;

    Subscriber(Hub hub, Sink sink, String[] topics, int maxEvents, long maxBytes) {
        this.hub = hub;
        this.sink = sink;
        this.topics = topics;
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.lastWriteNanos = System.nanoTime();
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

    public synchronized int queuedEvents() {
        return count;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Called by the hub before the subscriber is visible to publishers: history replay and resume signal. */
    synchronized void preload(Signal.Reset reset, List<Event> replay) {
        pendingSubscribed = new Signal.Subscribed(List.of(topics));
        pendingReset = reset;
        for (Event event : replay) {
            append(event);
        }
        // the first drain flushes at once, so a client sees its response start without waiting for an event
        needsFlush = true;
        scheduled = true;
        hub.execute(this);
    }

    /** Tells the client its subscription changed; sent ahead of queued events. */
    void announce(Signal.Subscribed subscribed) {
        boolean submit;
        synchronized (this) {
            if (closed) {
                return;
            }
            pendingSubscribed = subscribed;
            submit = !scheduled && !inFlight && !awaitingWritable;
            if (submit) {
                scheduled = true;
            }
        }
        if (submit) {
            hub.execute(this);
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
            if (closed) {
                return QUEUED;
            }
            if (count > 0 && (count >= maxEvents || queuedBytes + event.sizeBytes() > maxBytes)) {
                outcome = makeRoom(event) ? QUEUED_AFTER_OVERFLOW : MUST_DISCONNECT;
            }
            if (outcome != MUST_DISCONNECT) {
                append(event);
                hub.metrics().queueDepth(sink.transport(), count);
            }
            submit = outcome != MUST_DISCONNECT && !scheduled && !inFlight && !awaitingWritable;
            if (submit) {
                scheduled = true;
            }
        }
        if (submit) {
            hub.execute(this);
        }
        return outcome;
    }

    /** Returns false if the policy says this subscriber must be disconnected instead. */
    private boolean makeRoom(Event incoming) {
        OverflowPolicy policy = hub.policyFor(incoming.topic());
        if (policy.kind() == OverflowPolicy.Kind.DISCONNECT) {
            return false;
        }
        if (policy.kind() == OverflowPolicy.Kind.CONFLATE && incoming.conflationKey() != null) {
            int index = indexOfSameKey(incoming);
            if (index >= 0) {
                removeAt(index);
                hub.metrics().eventsDropped(sink.transport(), "conflated", 1);
            }
        }
        while (count > 0 && (count >= maxEvents || queuedBytes + incoming.sizeBytes() > maxBytes)) {
            Event oldest = ring[head];
            // an event whose topic never drops silently takes the connection down with it instead
            if (hub.policyFor(oldest.topic()).kind() == OverflowPolicy.Kind.DISCONNECT) {
                return false;
            }
            removeAt(0);
            tallyDrop(oldest.topic());
            hub.metrics().eventsDropped(sink.transport(), "drop-oldest", 1);
        }
        return true;
    }

    private int indexOfSameKey(Event incoming) {
        for (int i = 0; i < count; i++) {
            Event queued = ring[(head + i) % ring.length];
            if (incoming.conflationKey().equals(queued.conflationKey()) && incoming.topic().equals(queued.topic())) {
                return i;
            }
        }
        return -1;
    }

    private void append(Event event) {
        if (count == ring.length) {
            grow();
        }
        ring[(head + count) % ring.length] = event;
        count++;
        queuedBytes += event.sizeBytes();
    }

    private void grow() {
        // replay may exceed the live bound: it only holds references to events history keeps anyway
        int capacity = ring.length == 0 ? FIRST_CAPACITY : ring.length * 2;
        Event[] larger = new Event[capacity];
        for (int i = 0; i < count; i++) {
            larger[i] = ring[(head + i) % ring.length];
        }
        ring = larger;
        head = 0;
    }

    private Event poll() {
        Event event = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        count--;
        queuedBytes -= event.sizeBytes();
        if (count == 0) {
            // an idle subscriber gives its array back: thousands of idle connections stay cheap
            ring = EMPTY;
            head = 0;
        }
        return event;
    }

    private void removeAt(int index) {
        if (index == 0) {
            poll();
            return;
        }
        int length = ring.length;
        Event removed = ring[(head + index) % length];
        for (int i = index; i < count - 1; i++) {
            ring[(head + i) % length] = ring[(head + i + 1) % length];
        }
        ring[(head + count - 1) % length] = null;
        count--;
        queuedBytes -= removed.sizeBytes();
    }

    private void tallyDrop(String topic) {
        if (droppedTopics == null) {
            droppedTopics = new String[] {topic};
            droppedCounts = new long[] {1};
            return;
        }
        for (int i = 0; i < droppedTopics.length; i++) {
            if (droppedTopics[i].equals(topic)) {
                droppedCounts[i]++;
                return;
            }
        }
        droppedTopics = Arrays.copyOf(droppedTopics, droppedTopics.length + 1);
        droppedCounts = Arrays.copyOf(droppedCounts, droppedCounts.length + 1);
        droppedTopics[droppedTopics.length - 1] = topic;
        droppedCounts[droppedCounts.length - 1] = 1;
    }

    /** Next thing to write, in stream order: reset, drop notices, queued events, heartbeat. */
    private Object takeNext() {
        if (pendingSubscribed != null) {
            Signal.Subscribed subscribed = pendingSubscribed;
            pendingSubscribed = null;
            return subscribed;
        }
        if (pendingReset != null) {
            Signal.Reset reset = pendingReset;
            pendingReset = null;
            return reset;
        }
        if (droppedTopics != null) {
            Signal.Dropped dropped = new Signal.Dropped(droppedTopics[0], droppedCounts[0]);
            if (droppedTopics.length == 1) {
                droppedTopics = null;
                droppedCounts = null;
            } else {
                droppedTopics = Arrays.copyOfRange(droppedTopics, 1, droppedTopics.length);
                droppedCounts = Arrays.copyOfRange(droppedCounts, 1, droppedCounts.length);
            }
            return dropped;
        }
        if (count > 0) {
            heartbeatDue = false;
            return poll();
        }
        if (heartbeatDue) {
            heartbeatDue = false;
            return Signal.HEARTBEAT;
        }
        return null;
    }

    private boolean hasWork() {
        return count > 0 || pendingSubscribed != null || pendingReset != null || droppedTopics != null || heartbeatDue || needsFlush;
    }

    /** The drain loop; runs on the hub's writer pool, never on two threads at once for one subscriber. */
    @Override
    public void run() {
        try {
            drain();
        } catch (RuntimeException e) {
            // the sink threw: this drain is over, so the close below must schedule the one that closes the sink
            synchronized (this) {
                scheduled = false;
                inFlight = false;
            }
            writeFailed(e);
        }
    }

    private void drain() {
        while (true) {
            Object next;
            CloseReason reasonToClose = null;
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
                            return;
                        }
                        needsFlush = false;
                    } else {
                        inFlight = true;
                        needsFlush = true;
                        blockedSinceNanos = lastWriteNanos = System.nanoTime();
                    }
                }
            }
            if (reasonToClose != null) {
                sink.close(reasonToClose);
                return;
            }
            if (next == null) {
                sink.flush();
                continue;
            }
            boolean finished;
            if (next instanceof Event event) {
                finished = sink.write(event);
                hub.metrics().eventDelivered(sink.transport(), System.nanoTime() - event.publishedNanos());
            } else {
                finished = sink.write((Signal) next);
            }
            synchronized (this) {
                if (finished) {
                    inFlight = false;
                }
                if (inFlight && !closed) {
                    scheduled = false;
                    return;
                }
            }
        }
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
        synchronized (this) {
            if (writable) {
                awaitingWritable = false;
            } else {
                inFlight = false;
            }
            submit = !closed && !scheduled && !inFlight && !awaitingWritable && hasWork();
            if (submit) {
                scheduled = true;
            }
        }
        if (submit) {
            hub.execute(this);
        }
    }

    /** A write failed or the transport saw the client go: the subscriber is closed and forgotten. */
    public void writeFailed(Throwable cause) {
        hub.close(this, CloseReason.CLIENT_GONE);
    }

    /** Marks the subscriber closed; the drain loop then closes the sink, never concurrently with a write. */
    boolean markClosed(CloseReason reason) {
        boolean submit;
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
            closeReason = reason;
            ring = EMPTY;
            head = 0;
            count = 0;
            queuedBytes = 0;
            pendingSubscribed = null;
            pendingReset = null;
            droppedTopics = null;
            droppedCounts = null;
            submit = !scheduled;
            scheduled = true;
        }
        if (submit) {
            hub.execute(this);
        }
        return true;
    }

    /** Periodic check from the hub: write timeout first, then a heartbeat if the connection has been quiet. */
    void tick(long nowNanos, long writeTimeoutNanos, long heartbeatNanos) {
        boolean timedOut;
        boolean submit = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            boolean blocked = inFlight || awaitingWritable;
            timedOut = blocked && nowNanos - blockedSinceNanos > writeTimeoutNanos;
            if (!blocked && nowNanos - lastWriteNanos >= heartbeatNanos) {
                heartbeatDue = true;
                submit = !scheduled;
                scheduled = true;
            }
        }
        if (timedOut) {
            hub.close(this, CloseReason.WRITE_TIMEOUT);
        } else if (submit) {
            hub.execute(this);
        }
    }
}
