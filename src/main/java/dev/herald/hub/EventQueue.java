package dev.herald.hub;

import java.util.List;

/**
 * A subscriber's queued events: a ring that grows on demand (to the event bound; a replay may exceed it),
 * counting events and bytes. Not thread-safe: guarded by its subscriber. A queue that never held an event
 * has no array; once it has one it keeps it, so a busy connection allocates nothing per event.
 */
final class EventQueue {
    private static final Event[] EMPTY = new Event[0];
    private static final int FIRST_CAPACITY = 8;

    private Event[] ring = EMPTY;
    private int head;
    private int count;
    private long bytes;

    int size() {
        return count;
    }

    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** True if one more event of this size goes over either bound (an empty queue always takes one). */
    boolean full(Event incoming, int maxEvents, long maxBytes) {
        return count > 0 && (count >= maxEvents || bytes + incoming.sizeBytes() > maxBytes);
    }

    Event peek() {
        return ring[head];
    }

    void add(Event event) {
        if (count == ring.length) {
            grow();
        }
        ring[(head + count) % ring.length] = event;
        count++;
        bytes += event.sizeBytes();
    }

    private void grow() {
        int capacity = ring.length == 0 ? FIRST_CAPACITY : ring.length * 2;
        Event[] larger = new Event[capacity];
        for (int i = 0; i < count; i++) {
            larger[i] = ring[(head + i) % ring.length];
        }
        ring = larger;
        head = 0;
    }

    Event poll() {
        Event event = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        count--;
        bytes -= event.sizeBytes();
        if (count == 0) {
            head = 0;
        }
        return event;
    }

    void removeAt(int index) {
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
        bytes -= removed.sizeBytes();
    }

    /** Position of the queued event of the same topic with the same conflation key, or -1. */
    int indexOfSameKey(Event incoming) {
        for (int i = 0; i < count; i++) {
            Event queued = ring[(head + i) % ring.length];
            if (incoming.conflationKey().equals(queued.conflationKey()) && incoming.topic().equals(queued.topic())) {
                return i;
            }
        }
        return -1;
    }

    /** Puts the replayed events below {@code liveFrom} ahead of what is queued (live events since joining). */
    void prepend(List<Event> replay, long liveFrom) {
        Event[] live = new Event[count];
        for (int i = 0; i < live.length; i++) {
            live[i] = poll();
        }
        for (Event event : replay) {
            if (event.sequence() < liveFrom) {
                add(event);
            }
        }
        for (Event event : live) {
            add(event);
        }
    }

    /** Empties the queue and gives its array back (the subscriber is closed). */
    void release() {
        ring = EMPTY;
        head = 0;
        count = 0;
        bytes = 0;
    }
}
