package dev.herald.log.redis;

import dev.herald.hub.Position;

/**
 * A place in the Redis stream: the stream's epoch and the entry's stream id {@code <millis>-<seq>}. Printed as
 * {@code <epoch>-<millis base 36>-<seq base 36>}: short, and a stream that was recreated (another epoch) is
 * told apart from a continuation even where its new stream ids are larger than the old ones.
 */
record RedisPosition(String epoch, long millis, long seq) implements Position, Comparable<RedisPosition> {
    /** What {@link #parse} yields for text that is no position of a Redis log. */
    static final RedisPosition UNUSABLE = new RedisPosition("", -1, -1);
    /** Before the first entry of a stream. */
    static RedisPosition start(String epoch) {
        return new RedisPosition(epoch, 0, 0);
    }

    /** From an entry's stream id as Redis prints it ({@code 1764600000000-0}). */
    static RedisPosition ofStreamId(String epoch, String streamId) {
        int dash = streamId.indexOf('-');
        return new RedisPosition(epoch, Long.parseLong(streamId, 0, dash, 10),
                Long.parseLong(streamId, dash + 1, streamId.length(), 10));
    }

    /** Null for anything but {@code <epoch>-<base36>-<base36>} of at most 64 characters. */
    static RedisPosition parse(String text) {
        if (text == null || text.length() > 64) {
            return null;
        }
        int second = text.lastIndexOf('-');
        int first = second <= 0 ? -1 : text.lastIndexOf('-', second - 1);
        if (first <= 0 || second == text.length() - 1 || second - first < 2) {
            return null;
        }
        try {
            long millis = Long.parseLong(text, first + 1, second, 36);
            long seq = Long.parseLong(text, second + 1, text.length(), 36);
            return millis < 0 || seq < 0 ? null : new RedisPosition(text.substring(0, first), millis, seq);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    String streamId() {
        return millis + "-" + seq;
    }

    @Override
    public String id() {
        return epoch + '-' + Long.toString(millis, 36) + '-' + Long.toString(seq, 36);
    }

    /** Stream order within one epoch. */
    @Override
    public int compareTo(RedisPosition other) {
        int byMillis = Long.compare(millis, other.millis);
        return byMillis != 0 ? byMillis : Long.compare(seq, other.seq);
    }

    @Override
    public String toString() {
        return id();
    }
}
