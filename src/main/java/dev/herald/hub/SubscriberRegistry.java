package dev.herald.hub;

import java.util.Arrays;
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
    /** Broadcast groups by their sorted topic set; at most one per subscriber, so bounded like {@link #all}. */
    private final Map<List<String>, GroupMembership> groups = new HashMap<>();
    /** Every open subscriber; bounded by herald.max-connections. Iterated without the lock (ticks, gauges). */
    private final Set<Subscriber> all = ConcurrentHashMap.newKeySet();
    /**
     * Open connections per client address, only while herald.limits.connections-per-address is on; an address
     * leaves the map with its last connection, so it is bounded like {@link #all}.
     */
    private final Map<String, Integer> perAddress = new HashMap<>();
    /** Sequence of the newest event whose fan-out has begun. */
    private long dispatched;
    private boolean closed;
    private boolean draining;

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
     * Registers a new subscriber under the limits (see {@link Hub#subscribe}). A direct subscriber gets its
     * {@code liveFrom} at once. A grouped one (factory not null) joins the broadcast group of its topic set,
     * made here if it is the first; it takes no live events until {@link #goLive}, which the hub calls once
     * the group has registered it, so no event can fall between the group's fan-out and the replay.
     *
     * @return the group the hub must add the subscriber to, or null for a direct subscriber
     * @throws HubException CLOSED, CONNECTION_LIMIT or TOPIC_LIMIT; then nothing is registered
     */
    GroupMembership join(Subscriber subscriber, String[] names, BroadcastGroup.Factory factory) {
        lock.lock();
        try {
            ensureOpen();
            if (all.size() >= settings.maxConnections()) {
                throw new HubException(HubException.Reason.CONNECTION_LIMIT,
                        "this node already serves " + settings.maxConnections() + " connections (herald.max-connections)");
            }
            ensureTopicRoom(names);
            countAddress(subscriber);
            GroupMembership group = null;
            if (factory == null) {
                subscriber.liveFrom(dispatched + 1);
                for (String name : names) {
                    enter(name, subscriber);
                }
            } else {
                String[] sorted = names.clone();
                Arrays.sort(sorted);
                List<String> key = List.of(sorted);
                group = groups.get(key);
                if (group == null) {
                    group = new GroupMembership(key, factory.create(key));
                    groups.put(key, group);
                }
                group.members++;
                subscriber.liveFrom(Long.MAX_VALUE);
                subscriber.group(group);
                for (String name : names) {
                    topics.computeIfAbsent(name, topic -> new TopicSubscribers(topic, lanes)).addMember(group);
                }
            }
            all.add(subscriber);
            return group;
        } finally {
            lock.unlock();
        }
    }

    /** A grouped subscriber is registered with its group: it takes live events from the next dispatch on. */
    void goLive(Subscriber subscriber) {
        lock.lock();
        try {
            subscriber.liveFrom(dispatched + 1);
        } finally {
            lock.unlock();
        }
    }

    /** Adds topics to a live subscription and announces the new set; live events from now on. */
    void addTopics(Subscriber subscriber, String[] names) {
        requireDirect(subscriber);
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
        requireDirect(subscriber);
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

    /**
     * Forgets a subscriber (closed or abandoned). Returns its broadcast group, or null: the caller removes
     * the subscriber from it, or closes it when this was its last member ({@code members == 0}).
     */
    GroupMembership leave(Subscriber subscriber) {
        lock.lock();
        try {
            GroupMembership group = subscriber.group();
            if (!all.remove(subscriber)) {
                return null;
            }
            if (subscriber.clientAddress != null) {
                perAddress.computeIfPresent(subscriber.clientAddress, (address, open) -> open > 1 ? open - 1 : null);
            }
            if (group == null) {
                for (String name : subscriber.topicArray()) {
                    exit(name, subscriber);
                }
                return null;
            }
            group.members--;
            if (group.members == 0) {
                groups.remove(group.topics);
            }
            for (String name : subscriber.topicArray()) {
                TopicSubscribers topic = topics.get(name);
                if (topic != null) {
                    topic.removeMember(group);
                    if (topic.size == 0) {
                        topics.remove(name);
                    }
                }
            }
            return group;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses every later join as draining; returns the subscribers registered until now. */
    List<Subscriber> drain() {
        lock.lock();
        try {
            draining = true;
            return new java.util.ArrayList<>(all);
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

    private static void requireDirect(Subscriber subscriber) {
        if (subscriber.group() != null) {
            throw new IllegalStateException("a broadcast group's topics are fixed");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new HubException(HubException.Reason.CLOSED, "the server is shutting down");
        }
        if (draining) {
            throw new HubException(HubException.Reason.DRAINING, "this node is draining; connect to another one");
        }
    }

    /** Takes one of the address' connections (the last check of join: nothing after it can refuse). */
    private void countAddress(Subscriber subscriber) {
        int limit = settings.maxConnectionsPerAddress();
        if (limit == 0 || subscriber.clientAddress == null) {
            return;
        }
        int open = perAddress.getOrDefault(subscriber.clientAddress, 0);
        if (open >= limit) {
            throw new HubException(HubException.Reason.ADDRESS_LIMIT, "your address already holds " + open
                    + " connections (herald.limits.connections-per-address)");
        }
        perAddress.put(subscriber.clientAddress, open + 1);
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
