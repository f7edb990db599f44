package dev.herald.hub;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who is subscribed to what on this node, and the limits on it. One lock guards membership and the
 * sequence of the event being fanned out; it is held for map updates only, never across a fan-out or a
 * call into a sink, so subscribes, closes and metric reads never wait for a fan-out.
 */
final class SubscriberRegistry {
    private final HubSettings settings;
    private final int lanes;
    private final ReentrantLock lock = new ReentrantLock();
    /** Topics with local subscribers. */
    private final Map<String, TopicSubscribers> topics = new HashMap<>();
    /** Every open subscriber; bounded by herald.max-connections. Iterated without the lock (ticks, gauges). */
    private final Set<Subscriber> all = ConcurrentHashMap.newKeySet();
    /** Sequence of the newest event whose fan-out has begun. */
    private long dispatched;
    private boolean closed;

    SubscriberRegistry(HubSettings settings, int lanes) {
        this.settings = settings;
        this.lanes = lanes;
    }

    /** Marks the event as being fanned out and returns its topic's subscribers, or null if it has none here. */
    TopicSubscribers dispatch(Event event) {
        lock.lock();
        try {
            dispatched = event.sequence();
            return topics.get(event.topic());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Registers a new subscriber under the limits and sets its {@code liveFrom} (see {@link Hub#subscribe}).
     *
     * @throws HubException CLOSED, CONNECTION_LIMIT or TOPIC_LIMIT; then nothing is registered
     */
    void join(Subscriber subscriber, String[] names) {
        lock.lock();
        try {
            ensureOpen();
            if (all.size() >= settings.maxConnections()) {
                throw new HubException(HubException.Reason.CONNECTION_LIMIT,
                        "this node already serves " + settings.maxConnections() + " connections (herald.max-connections)");
            }
            ensureTopicRoom(names);
            subscriber.liveFrom(dispatched + 1);
            for (String name : names) {
                enter(name, subscriber);
            }
            all.add(subscriber);
        } finally {
            lock.unlock();
        }
    }

    /** Adds topics to a live subscription and announces the new set; live events from now on. */
    void addTopics(Subscriber subscriber, String[] names) {
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
                enter(name, subscriber);
            }
            subscriber.topics(merged.toArray(String[]::new));
            subscriber.announce(new Signal.Subscribed(List.copyOf(merged)));
        } finally {
            lock.unlock();
        }
    }

    /** Removes topics from a live subscription; unknown names are ignored. */
    void removeTopics(Subscriber subscriber, List<String> fewer) {
        lock.lock();
        try {
            Set<String> remaining = new LinkedHashSet<>(List.of(subscriber.topicArray()));
            for (String name : fewer) {
                if (remaining.remove(name)) {
                    exit(name, subscriber);
                }
            }
            subscriber.topics(remaining.toArray(String[]::new));
        } finally {
            lock.unlock();
        }
    }

    /** Forgets a subscriber (closed or abandoned). */
    void leave(Subscriber subscriber) {
        lock.lock();
        try {
            for (String name : subscriber.topicArray()) {
                exit(name, subscriber);
            }
            all.remove(subscriber);
        } finally {
            lock.unlock();
        }
    }

    /** Refuses every later join; returns the subscribers registered until now. */
    List<Subscriber> close() {
        lock.lock();
        try {
            closed = true;
            return List.copyOf(all);
        } finally {
            lock.unlock();
        }
    }

    /** Local subscribers of a topic, or -1 if it has none here. */
    int subscriberCount(String topic) {
        lock.lock();
        try {
            TopicSubscribers subscribers = topics.get(topic);
            return subscribers == null ? -1 : subscribers.size;
        } finally {
            lock.unlock();
        }
    }

    List<String> topicNames() {
        lock.lock();
        try {
            return List.copyOf(topics.keySet());
        } finally {
            lock.unlock();
        }
    }

    /** Every open subscriber (a concurrent set: iterate without holding anything). */
    Set<Subscriber> all() {
        return all;
    }

    private void ensureOpen() {
        if (closed) {
            throw new HubException(HubException.Reason.CLOSED, "the server is shutting down");
        }
    }

    /** Topics with subscribers are bounded by herald.max-topics. */
    private void ensureTopicRoom(String[] names) {
        int missing = 0;
        for (String name : names) {
            if (!topics.containsKey(name)) {
                missing++;
            }
        }
        if (topics.size() + missing > settings.maxTopics()) {
            throw new HubException(HubException.Reason.TOPIC_LIMIT,
                    "this node already has " + topics.size() + " subscribed topics (herald.max-topics)");
        }
    }

    private void enter(String name, Subscriber subscriber) {
        topics.computeIfAbsent(name, key -> new TopicSubscribers(key, lanes)).add(subscriber);
    }

    private void exit(String name, Subscriber subscriber) {
        TopicSubscribers topic = topics.get(name);
        if (topic != null) {
            topic.remove(subscriber);
            if (topic.size == 0) {
                topics.remove(name);
            }
        }
    }
}
