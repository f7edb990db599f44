package dev.herald.log.redis;

import dev.herald.hub.Event;
import io.lettuce.core.StreamMessage;

import java.util.Map;

/**
 * The layout of one stream entry and its translation into an {@link Event}. Every entry carries its format
 * ({@code v}); a node meets entries of a format it does not know during a rolling upgrade, and refuses them
 * (and says so) rather than misreading them.
 */
final class StreamEntries {
    /** The entry format this release writes and reads. */
    static final String FORMAT = "1";
    static final String VERSION = "v";
    static final String EPOCH = "e";
    static final String TOPIC = "t";
    static final String DATA = "d";
    static final String CONFLATION_KEY = "c";
    static final String TRACE_PARENT = "tp";
    /** Kind of a control entry (no topic, no data): {@code revoke} with the subject in {@link #SUBJECT}. */
    static final String KIND = "k";
    static final String SUBJECT = "s";
    static final String REVOKE = "revoke";
    /** Bits of a stream id's sequence part in an event's delivery sequence (a million entries per ms). */
    private static final int SEQ_BITS = 20;

    private StreamEntries() {
    }

    /**
     * The epoch this node reads and the offset that keeps delivery sequences increasing across epochs: an
     * event's sequence is {@code (millis << 20 | seq) + offset}, so a replay computes the same sequence the
     * reader delivered (or will deliver) the entry with.
     */
    record Epoch(String name, long offset) {
        long sequenceOf(RedisPosition position) {
            return ((position.millis() << SEQ_BITS) | Math.min(position.seq(), (1L << SEQ_BITS) - 1)) + offset;
        }

        /** The same stream positions, continuing after {@code lastSequence} in another epoch. */
        static Epoch following(String name, long lastSequence, RedisPosition first) {
            long plain = new Epoch(name, 0).sequenceOf(first);
            return new Epoch(name, Math.max(0, lastSequence + 1 - plain));
        }
    }

    /** Why an entry cannot become an event, or null if it can. */
    static String problemWith(Map<String, String> body) {
        String version = body.get(VERSION);
        if (!FORMAT.equals(version)) {
            return "entry format " + version + " is not " + FORMAT + " (written by another release of Herald?)";
        }
        if (body.get(EPOCH) == null || body.get(TOPIC) == null || body.get(DATA) == null) {
            return "entry lacks its epoch, topic or data";
        }
        return null;
    }

    static String epochOf(StreamMessage<String, String> message) {
        return message.getBody().get(EPOCH);
    }

    /** The entry as an event of {@code epoch}; check {@link #problemWith} first. */
    static Event toEvent(StreamMessage<String, String> message, Epoch epoch, long nowMillis, long nowNanos) {
        Map<String, String> body = message.getBody();
        RedisPosition position = RedisPosition.ofStreamId(epoch.name(), message.getId());
        long appendedMillis = position.millis();
        // delivery latency is measured from the append, which happened on Redis's clock (the node's, if in sync)
        long publishedNanos = nowNanos - Math.max(0, nowMillis - appendedMillis) * 1_000_000L;
        return new Event(epoch.sequenceOf(position), position, body.get(TOPIC), body.get(DATA),
                body.get(CONFLATION_KEY), body.get(TRACE_PARENT), publishedNanos, appendedMillis);
    }
}
