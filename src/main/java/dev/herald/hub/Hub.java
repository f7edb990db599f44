package dev.herald.hub;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Local subscribers and fan-out. The {@link EventLog} orders and stores events and delivers them here one at
 * a time, in order; the hub offers each to the subscribers of its topic, lane by lane, holding no lock while
 * it does. The {@link SubscriberRegistry} lock guards only membership and the sequence of the event being
 * fanned out, so subscribes, closes and metric reads never wait for a fan-out.
 */
public final class Hub implements AutoCloseable {
    private static final long LANE_STOP_MILLIS = 5_000;

    private final HubSettings settings;
    private final EventLog log;
    private final HeraldMetrics metrics;
    private final FanOutObserver fanOutObserver;
    private final SubscriberRegistry registry;
    private final WriterLane[] lanes;
    private final AtomicInteger nextLane = new AtomicInteger();
    private final ScheduledExecutorService ticker;
    private volatile boolean closed;

    public Hub(HubSettings settings, EventLog log, HeraldMetrics metrics) {
        this(settings, log, metrics, FanOutObserver.NONE);
    }

    public Hub(HubSettings settings, EventLog log, HeraldMetrics metrics, FanOutObserver fanOutObserver) {
        this.settings = settings;
        this.log = log;
        this.metrics = metrics;
        this.fanOutObserver = fanOutObserver;
        this.lanes = new WriterLane[settings.writerThreads()];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new WriterLane(i);
            lanes[i].start();
        }
        this.registry = new SubscriberRegistry(settings, lanes.length);
        this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "herald-ticker");
            thread.setDaemon(true);
            return thread;
        });
        long tickMillis = Math.max(50, Math.min(settings.heartbeatInterval().toMillis(),
                settings.writeTimeout().toMillis()) / 4);
        ticker.scheduleWithFixedDelay(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        log.deliverTo(new EventLog.Listener() {
            @Override
            public void deliver(Event event) {
                Hub.this.deliver(event);
            }

            @Override
            public void historyLost() {
                resetLiveSubscribers();
            }

            @Override
            public void revoked(String subject) {
                closeSubject(subject);
            }
        });
    }

    public HubSettings settings() {
        return settings;
    }

    public EventLog log() {
        return log;
    }

    HeraldMetrics metrics() {
        return metrics;
    }

    OverflowPolicy policyFor(String topic) {
        return settings.policies().forTopic(topic);
    }

    /** Ids of the writer threads (for tests that measure what fan-out allocates). */
    long[] writerThreadIds() {
        long[] ids = new long[lanes.length];
        for (int i = 0; i < lanes.length; i++) {
            ids[i] = lanes[i].threadId();
        }
        return ids;
    }

    // ---------------------------------------------------------------- fan-out

    /** The log's delivery: one event at a time, in log order (see {@link EventLog}). */
    private void deliver(Event event) {
        TopicSubscribers target = registry.dispatch(event);
        long start = System.nanoTime();
        int subscriberCount = 0;
        int overflows = 0;
        List<Subscriber> disconnected = null;
        if (target != null) {
            for (int lane = 0; lane < target.lanes(); lane++) {
                int offered = 0;
                for (Subscriber subscriber : target.lane(lane)) {
                    int outcome = subscriber.offer(event);
                    offered++;
                    if (outcome != Subscriber.QUEUED) {
                        overflows++;
                        if (outcome == Subscriber.MUST_DISCONNECT) {
                            if (disconnected == null) {
                                disconnected = new ArrayList<>();
                            }
                            disconnected.add(subscriber);
                        }
                    }
                }
                subscriberCount += offered;
                fanOutObserver.sliceOffered(event, lane, offered);
            }
            for (GroupMembership group : target.groups()) {
                group.group.broadcast(event);
                subscriberCount += group.members;
            }
        }
        if (disconnected != null) {
            for (Subscriber subscriber : disconnected) {
                closeOverflowed(subscriber);
            }
        }
        fanOutObserver.fannedOut(event, subscriberCount, overflows, start, System.nanoTime());
    }

    /**
     * The log lost history: every live subscriber gets a reset for its topics ahead of what is queued, so
     * a possible gap is never silent (a client then knows to reload its state).
     */
    private void resetLiveSubscribers() {
        for (Subscriber subscriber : registry.all()) {
            subscriber.announce(new Signal.Reset(List.of(subscriber.topicArray()), null));
        }
    }

    /** Closes this node's connections opened with a token of this subject (reason revoked). */
    private void closeSubject(String subject) {
        for (Subscriber subscriber : registry.all()) {
            if (subject.equals(subscriber.subject())) {
                close(subscriber, CloseReason.REVOKED);
            }
        }
    }

    // ---------------------------------------------------------------- subscribe

    /**
     * Registers a subscriber for the given topics, replaying history after {@code lastEventId} (null: live
     * only). A position that cannot be continued without a gap yields a reset signal and all retained events.
     *
     * <p>Gap-free without a lock across fan-out: under the registry lock the subscriber joins its topics and
     * takes {@code liveFrom = dispatched + 1}. Every event from {@code liveFrom} on starts its fan-out after
     * the subscriber joined, so it is offered live; every earlier one was delivered before, so the log's
     * replay includes it. The subscriber skips live offers below {@code liveFrom} and replayed events from it on.
     */
    public Subscription subscribe(List<String> topicNames, String lastEventId, Sink sink) {
        return subscribe(topicNames, lastEventId, sink, null);
    }

    /**
     * The same, for a subscriber fed by the {@link BroadcastGroup} of its topic set (made by {@code groups}
     * for the first subscriber of a set) instead of by the hub itself: the group registers it first, and
     * only then does it take live events, from the next dispatched one on (the replay covers the rest).
     */
    public Subscription subscribe(List<String> topicNames, String lastEventId, Sink sink,
                                  BroadcastGroup.Factory groups) {
        String[] names = validate(topicNames);
        Position from = lastEventId == null ? null : log.position(lastEventId);
        WriterLane lane = lanes[Math.floorMod(nextLane.getAndIncrement(), lanes.length)];
        Subscriber subscriber = new Subscriber(this, sink, names, lane, settings.queueMaxEvents(),
                settings.queueMaxBytes());
        GroupMembership group = registry.join(subscriber, names, groups);
        sink.attach(subscriber);
        EventLog.Replay replay;
        try {
            if (group != null) {
                group.group.add(subscriber);
                registry.goLive(subscriber);
            }
            replay = from == null ? EventLog.Replay.NONE : log.readAfter(from, names);
        } catch (RuntimeException e) {
            // nothing was written yet: the transport answers with the error itself
            subscriber.abandon();
            forget(subscriber);
            throw e;
        }
        subscriber.preload(replay.reset(), replay.events());
        metrics.connectionOpened(sink.transport());
        if (from != null) {
            metrics.resumed(replay.reset() == null ? "exact" : "reset");
        }
        return new Subscription(subscriber, replay.reset());
    }

    /** What a subscribe call produced: the subscriber, and the reset it was sent (null if none). */
    public record Subscription(Subscriber subscriber, Signal.Reset reset) {
    }

    /** Checks topic names and the per-subscription limit; returns the distinct names in request order. */
    public String[] validate(List<String> topicNames) {
        if (topicNames == null || topicNames.isEmpty()) {
            throw new HubException(HubException.Reason.NO_TOPICS, "name at least one topic");
        }
        Set<String> unique = new LinkedHashSet<>(topicNames);
        if (unique.size() > settings.maxTopicsPerSubscription()) {
            throw new HubException(HubException.Reason.TOO_MANY_TOPICS, "at most "
                    + settings.maxTopicsPerSubscription() + " topics per subscription (herald.max-topics-per-subscription)");
        }
        for (String name : unique) {
            String problem = Topics.problemWith(name);
            if (problem != null) {
                throw new HubException(HubException.Reason.INVALID_TOPIC, problem);
            }
        }
        return unique.toArray(String[]::new);
    }

    /** Adds topics to a live subscription (WebSocket subscribe message): live events from now on. */
    public void addTopics(Subscriber subscriber, List<String> more) {
        registry.addTopics(subscriber, validate(more));
    }

    /** Removes topics from a live subscription; unknown names are ignored. */
    public void removeTopics(Subscriber subscriber, List<String> fewer) {
        registry.removeTopics(subscriber, fewer);
    }

    /** Closes a subscriber for the given reason, once; safe from any thread, including the transport's. */
    public void close(Subscriber subscriber, CloseReason reason) {
        close(subscriber, reason, 0);
    }

    /** The queue overflowed on a disconnect topic; the event that did not fit is given up too. */
    void closeOverflowed(Subscriber subscriber) {
        close(subscriber, CloseReason.SLOW_CONSUMER, 1);
    }

    private void close(Subscriber subscriber, CloseReason reason, int refused) {
        if (!subscriber.markClosed(reason, refused)) {
            return;
        }
        forget(subscriber);
        metrics.connectionClosed(subscriber.transport(), reason.label());
    }

    /** Leaves the registry and, for a grouped subscriber, its group (closing the group after its last member). */
    private void forget(Subscriber subscriber) {
        GroupMembership group = registry.leave(subscriber);
        if (group != null) {
            if (group.members == 0) {
                group.group.close();
            } else {
                group.group.remove(subscriber);
            }
        }
    }

    // ---------------------------------------------------------------- inspection

    /** Topic info for the API: local subscribers and what the log retains; null if neither knows the topic. */
    public TopicInfo topicInfo(String name) {
        int subscriberCount = registry.subscriberCount(name);
        EventLog.TopicHistory history = log.describe(name);
        if (subscriberCount < 0 && history == null) {
            return null;
        }
        return history == null
                ? new TopicInfo(name, subscriberCount, null, 0, 0, null)
                : new TopicInfo(name, Math.max(0, subscriberCount), history.lastId(), history.retainedEvents(),
                history.retainedBytes(), history.oldestId());
    }

    public record TopicInfo(String topic, int subscribers, String lastId, int retainedEvents, long retainedBytes,
                            String oldestId) {
    }

    public int connectionCount() {
        return registry.all().size();
    }

    /** Open connections of one transport (a gauge: iterates, so call it at scrape time only). */
    public int connectionCount(String transport) {
        int n = 0;
        for (Subscriber subscriber : registry.all()) {
            if (subscriber.transport().equals(transport)) {
                n++;
            }
        }
        return n;
    }

    /** Topics with local subscribers or tracked by the log (a gauge: call it at scrape time only). */
    public int topicCount() {
        int count = log.topicCount();
        for (String name : registry.topicNames()) {
            if (!log.tracks(name)) {
                count++;
            }
        }
        return count;
    }

    public long retainedEvents() {
        return log.retainedEvents();
    }

    public long retainedBytes() {
        return log.retainedBytes();
    }

    /** Seconds between an append and this node reading it (see {@link EventLog#lagSeconds()}). */
    public double backplaneLagSeconds() {
        return log.lagSeconds();
    }

    /** True while the hub runs and its log accepts and delivers events (of at least one partition). */
    public boolean backplaneUp() {
        return !closed && log.up();
    }

    /** How many partitions the log has (1 but for a partitioned Redis log). */
    public int backplanePartitions() {
        return log.partitions();
    }

    /** True while the hub runs and its log accepts and delivers the events of this partition's topics. */
    public boolean backplaneUp(int partition) {
        return !closed && log.up(partition);
    }

    // ---------------------------------------------------------------- housekeeping

    private void tick() {
        try {
            long now = System.nanoTime();
            long writeTimeout = settings.writeTimeout().toNanos();
            long heartbeat = settings.heartbeatInterval().toNanos();
            long pongTimeout = settings.pongTimeout().toNanos();
            long wallClock = System.currentTimeMillis();
            for (Subscriber subscriber : registry.all()) {
                if (wallClock >= subscriber.expiresAtMillis()) {
                    close(subscriber, CloseReason.TOKEN_EXPIRED);
                    continue;
                }
                subscriber.tick(now, writeTimeout, heartbeat, pongTimeout);
            }
        } catch (RuntimeException e) {
            // the ticker must survive anything a single subscriber does
            System.getLogger(Hub.class.getName()).log(System.Logger.Level.WARNING, "hub tick failed", e);
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Ends every connection gracefully, spread uniformly over {@code period} in random order so that clients
     * do not all reconnect at once: each subscriber stops taking live events, writes what it has queued, then
     * closes with reason shutdown (SSE: a retry hint and the end; WebSocket: 1001). New subscriptions are refused
     * as draining from now on. The stage completes when the last connection has closed.
     */
    public java.util.concurrent.CompletableFuture<Void> drain(java.time.Duration period) {
        List<Subscriber> open = registry.drain();
        java.util.Collections.shuffle(open);
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        long start = System.nanoTime();
        long periodNanos = Math.max(1, period.toNanos());
        AtomicInteger finished = new AtomicInteger();
        Runnable step = () -> {
            double elapsed = (System.nanoTime() - start) / (double) periodNanos;
            int due = (int) Math.min(open.size(), Math.ceil(open.size() * Math.min(1.0, elapsed)));
            while (finished.get() < due) {
                open.get(finished.getAndIncrement()).finish(CloseReason.SHUTDOWN);
            }
            if (finished.get() == open.size() && registry.all().isEmpty()) {
                done.complete(null);
            }
        };
        // the first step here, so what is due at once (everything, for a zero period) is finishing on return
        step.run();
        long stepMillis = Math.max(10, Math.min(100, period.toMillis() / 100));
        java.util.concurrent.ScheduledFuture<?> stepping = ticker.scheduleAtFixedRate(step, stepMillis, stepMillis,
                TimeUnit.MILLISECONDS);
        done.whenComplete((ignored, failure) -> stepping.cancel(false));
        return done;
    }

    /**
     * Closes every subscriber with reason shutdown (WebSocket 1001) and stops the writer lanes. The registry
     * refuses joins from the moment it hands out its subscribers, so no subscribe registers after the copy.
     */
    @Override
    public void close() {
        closed = true;
        List<Subscriber> open = registry.close();
        ticker.shutdownNow();
        for (Subscriber subscriber : open) {
            close(subscriber, CloseReason.SHUTDOWN);
        }
        long deadline = System.currentTimeMillis() + LANE_STOP_MILLIS;
        for (WriterLane lane : lanes) {
            lane.stop(Math.max(1, deadline - System.currentTimeMillis()));
        }
    }
}
