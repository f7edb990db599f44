package dev.herald.log.redis;

import dev.herald.hub.Event;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The entries this node read most recently, in stream order, bounded by count and bytes: a resume from a
 * position at or after {@link #floor} is answered from here without a Redis round trip, so a reconnect storm
 * (every client of a failed node arriving at once) does not become a storm of XRANGEs. The reader adds under
 * the lock; resumes read under it; neither holds it across anything slow.
 */
final class RecentEntries {
    private final int maxEvents;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    /** Entries per topic in the ring: at most one key per entry, so bounded like the ring. */
    private final HashMap<String, Integer> perTopic = new HashMap<>();
    private long bytes;
    /** Everything after this position (of {@link #epoch}) that this node read is in the ring. */
    private RedisPosition floor;
    /** The newest entry read, or the floor when none. */
    private RedisPosition newest;

    RecentEntries(int maxEvents, long maxBytes) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    /** Starts over in an epoch, from a position the node reads after. */
    void restart(RedisPosition from) {
        lock.lock();
        try {
            events.clear();
            perTopic.clear();
            bytes = 0;
            floor = from;
            newest = from;
        } finally {
            lock.unlock();
        }
    }

    void add(Event event) {
        lock.lock();
        try {
            newest = (RedisPosition) event.position();
            if (maxEvents == 0) {
                floor = newest;
                return;
            }
            events.addLast(event);
            perTopic.merge(event.topic(), 1, Integer::sum);
            bytes += event.sizeBytes();
            while (events.size() > maxEvents || bytes > maxBytes) {
                Event evicted = events.pollFirst();
                perTopic.computeIfPresent(evicted.topic(), (topic, count) -> count == 1 ? null : count - 1);
                bytes -= evicted.sizeBytes();
                floor = (RedisPosition) evicted.position();
            }
        } finally {
            lock.unlock();
        }
    }

    /** What a resume from {@code after} gets from the ring: null if the ring does not reach back that far. */
    List<Event> after(RedisPosition after, String[] topics) {
        lock.lock();
        try {
            if (floor == null || !floor.epoch().equals(after.epoch()) || after.compareTo(floor) < 0
                    || after.compareTo(newest) > 0) {
                return null;
            }
            List<Event> found = new ArrayList<>();
            for (Iterator<Event> it = events.descendingIterator(); it.hasNext(); ) {
                Event event = it.next();
                if (((RedisPosition) event.position()).compareTo(after) <= 0) {
                    break;
                }
                if (contains(topics, event.topic())) {
                    found.add(event);
                }
            }
            Collections.reverse(found);
            return found;
        } finally {
            lock.unlock();
        }
    }

    /** The ring's events of these topics, if it holds every entry from {@code streamFloor} (the oldest retained) on. */
    List<Event> allSince(RedisPosition streamFloor, String[] topics) {
        lock.lock();
        try {
            if (floor == null || !floor.epoch().equals(streamFloor.epoch()) || floor.compareTo(streamFloor) >= 0) {
                return null;
            }
            List<Event> found = new ArrayList<>();
            for (Event event : events) {
                if (contains(topics, event.topic())) {
                    found.add(event);
                }
            }
            return found;
        } finally {
            lock.unlock();
        }
    }

    RedisPosition newest() {
        lock.lock();
        try {
            return newest;
        } finally {
            lock.unlock();
        }
    }

    long events() {
        lock.lock();
        try {
            return events.size();
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

    /** Distinct topics in the ring (for the topics gauge: this node's view). */
    int topicCount() {
        lock.lock();
        try {
            return perTopic.size();
        } finally {
            lock.unlock();
        }
    }

    boolean tracks(String topic) {
        lock.lock();
        try {
            return perTopic.containsKey(topic);
        } finally {
            lock.unlock();
        }
    }

    static boolean contains(String[] topics, String topic) {
        for (String name : topics) {
            if (name.equals(topic)) {
                return true;
            }
        }
        return false;
    }
}
