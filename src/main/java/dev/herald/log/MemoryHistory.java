package dev.herald.log;

import dev.herald.hub.Event;
import dev.herald.hub.EventLog;
import dev.herald.hub.HubException;
import dev.herald.hub.Signal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory log's retained events: per-topic deques bounded by count, and overall by bytes and age
 * (globally oldest first). Every method takes the history lock briefly; none is held across a fan-out.
 */
final class MemoryHistory {
    private final int maxEventsPerTopic;
    private final long maxBytes;
    private final Duration maxAge;
    private final int maxTopics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, RetainedTopic> topics = new HashMap<>();
    /** Topics with history, oldest head first: global eviction by bytes and age starts here. */
    private final TreeSet<RetainedTopic> byOldestHead = new TreeSet<>(
            Comparator.comparingLong(RetainedTopic::headSequence).thenComparing(topic -> topic.name));
    private long newestSequence;
    private long bytes;
    private long events;
    /** Gap watermark for topics whose whole history expired and whose entry was then removed. */
    private long removedTopicsEvictedUpTo;

    MemoryHistory(int maxEventsPerTopic, long maxBytes, Duration maxAge, int maxTopics) {
        this.maxEventsPerTopic = maxEventsPerTopic;
        this.maxBytes = maxBytes;
        this.maxAge = maxAge;
        this.maxTopics = maxTopics;
    }

    /** Refuses a topic the log does not track yet once herald.max-topics topics have history. */
    void ensureRoomFor(String topic) {
        lock.lock();
        try {
            if (maxEventsPerTopic > 0 && !topics.containsKey(topic) && topics.size() >= maxTopics) {
                throw new HubException(HubException.Reason.TOPIC_LIMIT,
                        "this node already retains history of " + maxTopics + " topics (herald.max-topics)");
            }
        } finally {
            lock.unlock();
        }
    }

    void retain(Event event) {
        lock.lock();
        try {
            newestSequence = event.sequence();
            if (maxEventsPerTopic == 0) {
                RetainedTopic known = topics.get(event.topic());
                removedTopicsEvictedUpTo = event.sequence();
                if (known != null) {
                    known.evictedUpTo = event.sequence();
                }
                return;
            }
            RetainedTopic topic = topics.computeIfAbsent(event.topic(),
                    name -> new RetainedTopic(name, removedTopicsEvictedUpTo));
            byOldestHead.remove(topic);
            if (topic.history.size() >= maxEventsPerTopic) {
                evictHead(topic);
            }
            topic.history.addLast(event);
            topic.historyBytes += event.sizeBytes();
            topic.lastId = event.id();
            bytes += event.sizeBytes();
            events++;
            byOldestHead.add(topic);
            expire(event.publishedMillis());
        } finally {
            lock.unlock();
        }
    }

    void expire() {
        lock.lock();
        try {
            expire(System.currentTimeMillis());
        } finally {
            lock.unlock();
        }
    }

    /** Evicts globally oldest events while history is over its byte bound or older than its age bound. */
    private void expire(long nowMillis) {
        long oldestAllowed = nowMillis - maxAge.toMillis();
        while (!byOldestHead.isEmpty()) {
            RetainedTopic oldest = byOldestHead.first();
            Event head = oldest.history.peekFirst();
            if (bytes <= maxBytes && head.publishedMillis() >= oldestAllowed) {
                return;
            }
            byOldestHead.pollFirst();
            evictHead(oldest);
            if (!oldest.history.isEmpty()) {
                byOldestHead.add(oldest);
            } else {
                topics.remove(oldest.name);
                removedTopicsEvictedUpTo = Math.max(removedTopicsEvictedUpTo, oldest.evictedUpTo);
            }
        }
    }

    private void evictHead(RetainedTopic topic) {
        Event evicted = topic.history.pollFirst();
        topic.evictedUpTo = evicted.sequence();
        topic.historyBytes -= evicted.sizeBytes();
        bytes -= evicted.sizeBytes();
        events--;
    }

    /** See {@link EventLog#readAfter}; {@code after} is null when the client's position is unusable here. */
    EventLog.Replay readAfter(MemoryPosition after, String[] names) {
        lock.lock();
        try {
            boolean unusable = after == null || after.sequence() > newestSequence;
            List<String> gapped = new ArrayList<>();
            List<Event> replay = new ArrayList<>();
            for (String name : names) {
                RetainedTopic topic = topics.get(name);
                long evictedUpTo = topic == null ? removedTopicsEvictedUpTo : topic.evictedUpTo;
                boolean gap = unusable || evictedUpTo > after.sequence();
                if (gap) {
                    gapped.add(name);
                }
                if (topic != null) {
                    long from = gap ? Long.MIN_VALUE : after.sequence();
                    for (Iterator<Event> it = topic.history.descendingIterator(); it.hasNext(); ) {
                        Event event = it.next();
                        if (event.sequence() <= from) {
                            break;
                        }
                        replay.add(event);
                    }
                }
            }
            replay.sort(Comparator.comparingLong(Event::sequence));
            if (gapped.isEmpty()) {
                return new EventLog.Replay(null, replay);
            }
            String oldest = null;
            long oldestSequence = Long.MAX_VALUE;
            for (String name : gapped) {
                RetainedTopic topic = topics.get(name);
                if (topic != null && !topic.history.isEmpty() && topic.headSequence() < oldestSequence) {
                    oldestSequence = topic.headSequence();
                    oldest = topic.history.peekFirst().id();
                }
            }
            return new EventLog.Replay(new Signal.Reset(List.copyOf(gapped), oldest), replay);
        } finally {
            lock.unlock();
        }
    }

    EventLog.TopicHistory describe(String name) {
        lock.lock();
        try {
            RetainedTopic topic = topics.get(name);
            return topic == null ? null : new EventLog.TopicHistory(topic.lastId, topic.history.size(),
                    topic.historyBytes, topic.history.isEmpty() ? null : topic.history.peekFirst().id());
        } finally {
            lock.unlock();
        }
    }

    boolean tracks(String name) {
        lock.lock();
        try {
            return topics.containsKey(name);
        } finally {
            lock.unlock();
        }
    }

    long events() {
        lock.lock();
        try {
            return events;
        } finally {
            lock.unlock();
        }
    }

    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    int topicCount() {
        lock.lock();
        try {
            return topics.size();
        } finally {
            lock.unlock();
        }
    }
}
