package dev.herald.log;

import dev.herald.hub.Event;

import java.util.ArrayDeque;

/** One topic's retained history in the in-memory log. Guarded by the log's history lock. */
final class RetainedTopic {
    final String name;
    final ArrayDeque<Event> history = new ArrayDeque<>();
    /** Highest sequence ever evicted from this topic's history: resuming below it would be a gap. */
    long evictedUpTo;
    long historyBytes;
    String lastId;

    RetainedTopic(String name, long evictedUpTo) {
        this.name = name;
        this.evictedUpTo = evictedUpTo;
    }

    long headSequence() {
        return history.isEmpty() ? Long.MAX_VALUE : history.peekFirst().sequence();
    }
}
