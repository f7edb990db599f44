package dev.herald.hub;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/** A topic's retained history and local subscribers. Guarded by the hub's lock. */
final class Topic {
    final String name;
    final ArrayDeque<Event> history = new ArrayDeque<>();
    final Set<Subscriber> subscribers = new HashSet<>();
    /** Highest sequence ever evicted from this topic's history: resuming below it would be a gap. */
    long evictedUpTo;
    long historyBytes;
    String lastId;

    Topic(String name, long evictedUpTo) {
        this.name = name;
        this.evictedUpTo = evictedUpTo;
    }

    long headSequence() {
        return history.isEmpty() ? Long.MAX_VALUE : history.peekFirst().sequence();
    }

    boolean unused() {
        return history.isEmpty() && subscribers.isEmpty();
    }
}
