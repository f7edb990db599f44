package dev.herald.hub;

import java.util.Arrays;

/**
 * Events a subscriber's queue dropped, per topic, waiting to be told to the client as {@code herald.dropped}
 * signals at the place of the gap. Not thread-safe: guarded by its subscriber. Holds nothing until a drop.
 */
final class DropNotices {
    private String[] topics;
    private long[] counts;

    boolean isEmpty() {
        return topics == null;
    }

    void tally(String topic) {
        if (topics == null) {
            topics = new String[] {topic};
            counts = new long[] {1};
            return;
        }
        for (int i = 0; i < topics.length; i++) {
            if (topics[i].equals(topic)) {
                counts[i]++;
                return;
            }
        }
        topics = Arrays.copyOf(topics, topics.length + 1);
        counts = Arrays.copyOf(counts, counts.length + 1);
        topics[topics.length - 1] = topic;
        counts[counts.length - 1] = 1;
    }

    /** The oldest pending notice, removed; null if none. */
    Signal.Dropped next() {
        if (topics == null) {
            return null;
        }
        Signal.Dropped dropped = new Signal.Dropped(topics[0], counts[0]);
        if (topics.length == 1) {
            clear();
        } else {
            topics = Arrays.copyOfRange(topics, 1, topics.length);
            counts = Arrays.copyOfRange(counts, 1, counts.length);
        }
        return dropped;
    }

    void clear() {
        topics = null;
        counts = null;
    }
}
