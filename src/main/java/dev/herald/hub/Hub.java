package dev.herald.hub;

import dev.herald.observability.HeraldMetrics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Topics, the ordered event log and fan-out. One lock orders publishes, subscriptions and history, so a
 * subscriber sees replay and live events in id order with nothing missing and nothing twice; writes to
 * clients happen outside it, on a small writer pool, never blocking.
 */
public final class Hub implements AutoCloseable {
    private final HubSettings settings;
    private final HeraldMetrics metrics;
    private final FanOutObserver fanOutObserver;
    private final String epoch;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Topic> topics = new HashMap<>();
    /** Topics with history, oldest head first: global eviction by bytes and age starts here. */
    private final TreeSet<Topic> byOldestHead = new TreeSet<>(
            Comparator.comparingLong(Topic::headSequence).thenComparing(topic -> topic.name));
    /** Every open subscriber; bounded by herald.max-connections. */
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor writers;
    private final ScheduledExecutorService ticker;
    private long sequence;
    private long historyBytes;
    private long retainedEvents;
    /** Gap watermark for topics whose whole history expired and whose entry was then removed. */
    private long removedTopicsEvictedUpTo;
    private volatile boolean closed;

    public Hub(HubSettings settings, HeraldMetrics metrics) {
        this(settings, metrics, FanOutObserver.NONE, Long.toString(System.currentTimeMillis(), 36));
    }

    public Hub(HubSettings settings, HeraldMetrics metrics, String epoch) {
        this(settings, metrics, FanOutObserver.NONE, epoch);
    }

    public Hub(HubSettings settings, HeraldMetrics metrics, FanOutObserver fanOutObserver, String epoch) {
        this.settings = settings;
        this.metrics = metrics;
        this.fanOutObserver = fanOutObserver;
        this.epoch = epoch;
        AtomicInteger threadNumber = new AtomicInteger();
        // each subscriber is queued here at most once (it tracks whether it is scheduled), so the work queue
        // holds at most one task per open or closing connection; a fixed capacity would refuse closes under churn
        this.writers = new ThreadPoolExecutor(settings.writerThreads(), settings.writerThreads(), 1,
                TimeUnit.MINUTES, new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "herald-writer-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "herald-ticker");
            thread.setDaemon(true);
            return thread;
        });
        long tickMillis = Math.max(50, Math.min(settings.heartbeatInterval().toMillis(),
                settings.writeTimeout().toMillis()) / 4);
        ticker.scheduleWithFixedDelay(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    public String epoch() {
        return epoch;
    }

    public HubSettings settings() {
        return settings;
    }

    HeraldMetrics metrics() {
        return metrics;
    }

    OverflowPolicy policyFor(String topic) {
        return settings.policies().forTopic(topic);
    }

    void execute(Runnable task) {
        writers.execute(task);
    }

    // ---------------------------------------------------------------- publish

    /**
     * Appends an event to the log and queues it for every subscriber of its topic.
     *
     * @param data          JSON text, already validated by the caller
     * @param conflationKey value of the topic policy's conflation key in {@code data}, or null
     */
    public Event publish(String topic, String data, String conflationKey, String traceParent) {
        String problem = Topics.problemWith(topic);
        if (problem != null) {
            throw new HubException(HubException.Reason.INVALID_TOPIC, problem);
        }
        int size = data.getBytes(StandardCharsets.UTF_8).length + topic.length() + 24;
        lock.lock();
        try {
            ensureOpen();
            Topic target = topicFor(topic);
            long seq = ++sequence;
            Event event = new Event(seq, EventId.format(epoch, seq), topic, data, size, conflationKey, traceParent,
                    System.nanoTime(), System.currentTimeMillis());
            target.lastId = event.id();
            retain(target, event);
            long fanOutStart = System.nanoTime();
            int overflows = 0;
            List<Subscriber> disconnected = null;
            for (Subscriber subscriber : target.subscribers) {
                int outcome = subscriber.offer(event);
                if (outcome != Subscriber.QUEUED) {
                    overflows++;
                }
                if (outcome == Subscriber.MUST_DISCONNECT) {
                    if (disconnected == null) {
                        disconnected = new ArrayList<>();
                    }
                    disconnected.add(subscriber);
                }
            }
            int subscriberCount = target.subscribers.size();
            if (disconnected != null) {
                for (Subscriber subscriber : disconnected) {
                    close(subscriber, CloseReason.SLOW_CONSUMER);
                }
            }
            metrics.eventPublished();
            fanOutObserver.fannedOut(event, subscriberCount, overflows, fanOutStart, System.nanoTime());
            return event;
        } finally {
            lock.unlock();
        }
    }

    private Topic topicFor(String name) {
        Topic topic = topics.get(name);
        if (topic == null) {
            if (topics.size() >= settings.maxTopics()) {
                throw new HubException(HubException.Reason.TOPIC_LIMIT,
                        "this node already has " + settings.maxTopics() + " topics (herald.max-topics)");
            }
            topic = new Topic(name, removedTopicsEvictedUpTo);
            topics.put(name, topic);
        }
        return topic;
    }

    private void retain(Topic topic, Event event) {
        if (settings.historyMaxEventsPerTopic() == 0) {
            topic.evictedUpTo = event.sequence();
            dropIfUnused(topic);
            return;
        }
        boolean wasEmpty = topic.history.isEmpty();
        if (!wasEmpty && topic.history.size() >= settings.historyMaxEventsPerTopic()) {
            byOldestHead.remove(topic);
            evictHead(topic);
            wasEmpty = topic.history.isEmpty();
        }
        topic.history.addLast(event);
        topic.historyBytes += event.sizeBytes();
        historyBytes += event.sizeBytes();
        retainedEvents++;
        if (wasEmpty || !byOldestHead.contains(topic)) {
            byOldestHead.add(topic);
        }
        expire(event.publishedMillis());
    }

    /** Evicts globally oldest events while history is over its byte bound or older than its age bound. */
    private void expire(long nowMillis) {
        long oldestAllowed = nowMillis - settings.historyMaxAge().toMillis();
        while (!byOldestHead.isEmpty()) {
            Topic oldest = byOldestHead.first();
            Event head = oldest.history.peekFirst();
            if (historyBytes <= settings.historyMaxBytes() && head.publishedMillis() >= oldestAllowed) {
                return;
            }
            byOldestHead.pollFirst();
            evictHead(oldest);
            if (!oldest.history.isEmpty()) {
                byOldestHead.add(oldest);
            } else {
                dropIfUnused(oldest);
            }
        }
    }

    private void evictHead(Topic topic) {
        Event evicted = topic.history.pollFirst();
        topic.evictedUpTo = evicted.sequence();
        topic.historyBytes -= evicted.sizeBytes();
        historyBytes -= evicted.sizeBytes();
        retainedEvents--;
    }

    private void dropIfUnused(Topic topic) {
        if (topic.unused()) {
            topics.remove(topic.name);
            removedTopicsEvictedUpTo = Math.max(removedTopicsEvictedUpTo, topic.evictedUpTo);
        }
    }

    // ---------------------------------------------------------------- subscribe

    /**
     * Registers a subscriber for the given topics, replaying history after {@code lastEventId} (null: live
     * only). A position that cannot be continued without a gap yields a reset signal and all retained events.
     */
    public Subscription subscribe(List<String> topicNames, String lastEventId, Sink sink) {
        String[] names = validate(topicNames);
        lock.lock();
        try {
            ensureOpen();
            if (subscribers.size() >= settings.maxConnections()) {
                throw new HubException(HubException.Reason.CONNECTION_LIMIT,
                        "this node already serves " + settings.maxConnections() + " connections (herald.max-connections)");
            }
            ensureTopicRoom(names);
            Resume resume = lastEventId == null ? Resume.NONE : resume(names, lastEventId);
            Subscriber subscriber = new Subscriber(this, sink, names, settings.queueMaxEvents(),
                    settings.queueMaxBytes());
            for (String name : names) {
                topicFor(name).subscribers.add(subscriber);
            }
            subscribers.add(subscriber);
            sink.attach(subscriber);
            subscriber.preload(resume.reset, resume.events);
            metrics.connectionOpened(sink.transport());
            if (resume != Resume.NONE) {
                metrics.resumed(resume.reset == null ? "exact" : "reset");
            }
            return new Subscription(subscriber, resume.reset);
        } finally {
            lock.unlock();
        }
    }

    /** What a subscribe call produced: the subscriber, and the reset it was sent (null if none). */
    public record Subscription(Subscriber subscriber, Signal.Reset reset) {
    }

    private record Resume(Signal.Reset reset, List<Event> events) {
        static final Resume NONE = new Resume(null, List.of());
    }

    private Resume resume(String[] names, String lastEventId) {
        EventId position = EventId.parse(lastEventId);
        boolean unusable = position == null || !position.epoch().equals(epoch) || position.sequence() > sequence;
        List<String> gapped = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        for (String name : names) {
            Topic topic = topics.get(name);
            long evictedUpTo = topic == null ? removedTopicsEvictedUpTo : topic.evictedUpTo;
            boolean gap = unusable || evictedUpTo > position.sequence();
            if (gap) {
                gapped.add(name);
            }
            if (topic != null) {
                long after = gap ? Long.MIN_VALUE : position.sequence();
                for (Iterator<Event> it = topic.history.descendingIterator(); it.hasNext(); ) {
                    Event event = it.next();
                    if (event.sequence() <= after) {
                        break;
                    }
                    events.add(event);
                }
            }
        }
        events.sort(Comparator.comparingLong(Event::sequence));
        if (gapped.isEmpty()) {
            return new Resume(null, events);
        }
        String oldest = null;
        long oldestSeq = Long.MAX_VALUE;
        for (String name : gapped) {
            Topic topic = topics.get(name);
            if (topic != null && !topic.history.isEmpty() && topic.headSequence() < oldestSeq) {
                oldestSeq = topic.headSequence();
                oldest = topic.history.peekFirst().id();
            }
        }
        return new Resume(new Signal.Reset(List.copyOf(gapped), oldest), events);
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

    private void ensureTopicRoom(String[] names) {
        int missing = 0;
        for (String name : names) {
            if (!topics.containsKey(name)) {
                missing++;
            }
        }
        if (topics.size() + missing > settings.maxTopics()) {
            throw new HubException(HubException.Reason.TOPIC_LIMIT,
                    "this node already has " + topics.size() + " topics (herald.max-topics)");
        }
    }

    /** Adds topics to a live subscription (WebSocket subscribe message): live events from now on. */
    public void addTopics(Subscriber subscriber, List<String> more) {
        String[] names = validate(more);
        lock.lock();
        try {
            ensureOpen();
            Set<String> merged = new LinkedHashSet<>(List.of(subscriber.topicArray()));
            Collections.addAll(merged, names);
            if (merged.size() > settings.maxTopicsPerSubscription()) {
                throw new HubException(HubException.Reason.TOO_MANY_TOPICS, "at most "
                        + settings.maxTopicsPerSubscription() + " topics per subscription (herald.max-topics-per-subscription)");
            }
            ensureTopicRoom(names);
            if (subscriber.isClosed()) {
                return;
            }
            for (String name : names) {
                topicFor(name).subscribers.add(subscriber);
            }
            subscriber.topics(merged.toArray(String[]::new));
            subscriber.announce(new Signal.Subscribed(List.copyOf(merged)));
        } finally {
            lock.unlock();
        }
    }

    /** Removes topics from a live subscription; unknown names are ignored. */
    public void removeTopics(Subscriber subscriber, List<String> fewer) {
        lock.lock();
        try {
            Set<String> remaining = new LinkedHashSet<>(List.of(subscriber.topicArray()));
            for (String name : fewer) {
                if (remaining.remove(name)) {
                    Topic topic = topics.get(name);
                    if (topic != null) {
                        topic.subscribers.remove(subscriber);
                        dropIfUnused(topic);
                    }
                }
            }
            subscriber.topics(remaining.toArray(String[]::new));
        } finally {
            lock.unlock();
        }
    }

    /** Closes a subscriber for the given reason, once; safe from any thread, including the transport's. */
    public void close(Subscriber subscriber, CloseReason reason) {
        if (!subscriber.markClosed(reason)) {
            return;
        }
        lock.lock();
        try {
            for (String name : subscriber.topicArray()) {
                Topic topic = topics.get(name);
                if (topic != null) {
                    topic.subscribers.remove(subscriber);
                    dropIfUnused(topic);
                }
            }
            subscribers.remove(subscriber);
        } finally {
            lock.unlock();
        }
        metrics.connectionClosed(subscriber.transport(), reason.label());
    }

    // ---------------------------------------------------------------- inspection

    /** Topic info for the API; null if the topic is unknown on this node. */
    public TopicInfo topicInfo(String name) {
        lock.lock();
        try {
            Topic topic = topics.get(name);
            if (topic == null) {
                return null;
            }
            return new TopicInfo(name, topic.subscribers.size(), topic.lastId, topic.history.size(),
                    topic.historyBytes, topic.history.isEmpty() ? null : topic.history.peekFirst().id());
        } finally {
            lock.unlock();
        }
    }

    public record TopicInfo(String topic, int subscribers, String lastId, int retainedEvents, long retainedBytes,
                            String oldestId) {
    }

    public int connectionCount() {
        return subscribers.size();
    }

    /** Open connections of one transport (a gauge: iterates, so call it at scrape time only). */
    public int connectionCount(String transport) {
        int n = 0;
        for (Subscriber subscriber : subscribers) {
            if (subscriber.transport().equals(transport)) {
                n++;
            }
        }
        return n;
    }

    public int topicCount() {
        lock.lock();
        try {
            return topics.size();
        } finally {
            lock.unlock();
        }
    }

    public long retainedEvents() {
        lock.lock();
        try {
            return retainedEvents;
        } finally {
            lock.unlock();
        }
    }

    public long retainedBytes() {
        lock.lock();
        try {
            return historyBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Id of the newest event, or null before the first publish. */
    public String lastId() {
        lock.lock();
        try {
            return sequence == 0 ? null : EventId.format(epoch, sequence);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- housekeeping

    private void tick() {
        try {
            long now = System.nanoTime();
            long writeTimeout = settings.writeTimeout().toNanos();
            long heartbeat = settings.heartbeatInterval().toNanos();
            for (Subscriber subscriber : subscribers) {
                subscriber.tick(now, writeTimeout, heartbeat);
            }
            lock.lock();
            try {
                expire(System.currentTimeMillis());
            } finally {
                lock.unlock();
            }
        } catch (RuntimeException e) {
            // the ticker must survive anything a single subscriber does
            System.getLogger(Hub.class.getName()).log(System.Logger.Level.WARNING, "hub tick failed", e);
        }
    }

    public boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new HubException(HubException.Reason.CLOSED, "the server is shutting down");
        }
    }

    /** Closes every subscriber with reason shutdown (WebSocket 1001) and stops the writer pool. */
    @Override
    public void close() {
        closed = true;
        ticker.shutdownNow();
        for (Subscriber subscriber : List.copyOf(subscribers)) {
            close(subscriber, CloseReason.SHUTDOWN);
        }
        writers.shutdown();
        try {
            writers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writers.shutdownNow();
    }
}
