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
 * The entries this node delivered most recently, in delivery order, bounded by count and bytes, with the node's
 * read position over all partitions: a resume whose every partition is at or after {@link #floor} is answered
 * from here without a Redis round trip, so a reconnect storm (every client of a failed node arriving at once)
 * does not become a storm of XRANGEs. The delivery thread adds under the lock; resumes read under it; neither
 * holds it across anything slow.
 */
final class RecentEntries {
    private final int maxEvents;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    /** Entries per topic in the ring: at most one key per entry, so bounded like the ring. */
    private final HashMap<String, Integer> perTopic = new HashMap<>();
    private long bytes;
    /** Every entry this node delivered after this vector is in the ring (null entries: not read yet). */
    private RedisPosition[] floor;
    /** The node's read position: the newest delivered entry's cursor, or the floor when none. */
    private RedisPosition[] newest;
    /** Each partition's epoch as read, null where not known yet. */
    private String[] epochs;

    RecentEntries(int partitions, int maxEvents, long maxBytes) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.floor = new RedisPosition[partitions];
        this.newest = new RedisPosition[partitions];
        this.epochs = new String[partitions];
    }

    /** Starts over from a read position (a partition started, or changed its epoch): older resumes need Redis. */
    void restart(RedisPosition[] vector, String[] partitionEpochs) {
        lock.lock();
        try {
            events.clear();
            perTopic.clear();
            bytes = 0;
            floor = vector.clone();
            newest = vector.clone();
            epochs = partitionEpochs.clone();
        } finally {
            lock.unlock();
        }
    }

    /** Adds a delivered event; its position is the node's {@link Cursor} at it. */
    void add(Event event) {
        lock.lock();
        try {
            newest = ((Cursor) event.position()).parts();
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
                floor = ((Cursor) evicted.position()).parts();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * What the ring holds for a resume, taken at one instant: the floor and read position then, and the ring's
     * events of these topics after {@code from} in their partition (every one of the partition where
     * {@code from} has null), in delivery order.
     */
    record Slice(RedisPosition[] floor, RedisPosition[] newest, String[] epochs, List<Event> events) {
    }

    Slice after(RedisPosition[] from, String[] topics) {
        int partitions = from.length;
        // walked from the newest: once an event of a partition is at or before its start, so are all earlier ones
        boolean[] touched = PartitionTags.touchedBy(topics, partitions);
        int open = 0;
        for (boolean partitionOpen : touched) {
            open += partitionOpen ? 1 : 0;
        }
        lock.lock();
        try {
            List<Event> found = new ArrayList<>();
            for (Iterator<Event> it = events.descendingIterator(); it.hasNext() && open > 0; ) {
                Event event = it.next();
                Cursor cursor = (Cursor) event.position();
                int partition = cursor.own();
                RedisPosition start = from[partition];
                if (!touched[partition]) {
                    continue;
                }
                if (start != null && cursor.ownPart().compareTo(start) <= 0) {
                    touched[partition] = false;
                    open--;
                } else if (contains(topics, event.topic())) {
                    found.add(event);
                }
            }
            Collections.reverse(found);
            return new Slice(floor.clone(), newest.clone(), epochs.clone(), found);
        } finally {
            lock.unlock();
        }
    }

    String[] epochs() {
        lock.lock();
        try {
            return epochs.clone();
        } finally {
            lock.unlock();
        }
    }

    /** The node's read position in a partition, null before it was read. */
    RedisPosition newest(int partition) {
        lock.lock();
        try {
            return newest[partition];
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
