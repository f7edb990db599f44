package dev.herald.hub;

import java.util.ArrayDeque;

/**
 * What a subscriber must tell its client ahead of its queued events, in this order: the subscription's topics,
 * a reset, answers to the client's own requests, drop notices. Not thread-safe: guarded by its subscriber.
 * Holds nothing until used; bounded (one subscribed, one reset, {@link #MAX_REPLIES} replies, one notice per topic).
 */
final class PendingSignals {
    /** Replies one subscriber may have waiting; its requests beyond are refused (it does not read them). */
    static final int MAX_REPLIES = 64;

    private Signal.Subscribed subscribed;
    private Signal.Reset reset;
    private ArrayDeque<Signal.Reply> replies;
    private final DropNotices dropped = new DropNotices();

    /** Replaces an unsent one: only the newest topic set matters. */
    void subscribed(Signal.Subscribed signal) {
        subscribed = signal;
    }

    void reset(Signal.Reset signal) {
        if (signal != null) {
            reset = signal;
        }
    }

    /** False when {@link #MAX_REPLIES} are waiting already. */
    boolean reply(Signal.Reply reply) {
        if (replies == null) {
            replies = new ArrayDeque<>();
        }
        if (replies.size() >= MAX_REPLIES) {
            return false;
        }
        replies.add(reply);
        return true;
    }

    /** One more event of {@code topic} was dropped at this point of the stream. */
    void dropped(String topic) {
        dropped.tally(topic);
    }

    /** The next signal to send, or null. */
    Signal next() {
        if (subscribed != null) {
            Signal.Subscribed next = subscribed;
            subscribed = null;
            return next;
        }
        if (reset != null) {
            Signal.Reset next = reset;
            reset = null;
            return next;
        }
        if (replies != null && !replies.isEmpty()) {
            return replies.poll();
        }
        return dropped.next();
    }

    boolean isEmpty() {
        return subscribed == null && reset == null && (replies == null || replies.isEmpty()) && dropped.isEmpty();
    }

    /** The subscriber closed: nothing more is sent (replies stay, the drain closes the sink before any). */
    void clear() {
        subscribed = null;
        reset = null;
        dropped.clear();
    }
}
