package dev.herald.log.redis;

import io.lettuce.core.StreamMessage;

import java.util.Map;

/**
 * The layout of one stream entry and its translation into a read that the delivery turns into an event. Every
 * entry carries its format ({@code v}); a node meets entries of a format it does not know during a rolling
 * upgrade, and refuses them (and says so) rather than misreading them.
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
    /** Kind of the entry start.lua writes when it creates a partition's stream: no event. */
    static final String START = "start";

    private StreamEntries() {
    }

    /** Whether an entry is a control entry of this format (revoke, start), which no subscriber receives. */
    static boolean isControl(Map<String, String> body, String kind) {
        return kind.equals(body.get(KIND)) && FORMAT.equals(body.get(VERSION));
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

    /** The entry as a read of partition {@code epoch}'s stream; check {@link #problemWith} first. */
    static MergedDelivery.Read toRead(StreamMessage<String, String> message, String epoch, long nowMillis, long nowNanos) {
        Map<String, String> body = message.getBody();
        RedisPosition position = RedisPosition.ofStreamId(epoch, message.getId());
        long appendedMillis = position.millis();
        // delivery latency is measured from the append, which happened on Redis's clock (the node's, if in sync)
        long publishedNanos = nowNanos - Math.max(0, nowMillis - appendedMillis) * 1_000_000L;
        return new MergedDelivery.Read(position, body.get(TOPIC), body.get(DATA), body.get(CONFLATION_KEY),
                body.get(TRACE_PARENT), publishedNanos, appendedMillis);
    }
}
