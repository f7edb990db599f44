package dev.herald.log.redis;

import dev.herald.hub.Position;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * A place in the log as clients see it: for every partition, the position this node had read in that
 * partition's stream when it delivered the event (the event's own partition at the event itself). So the id
 * of one delivered event, one encoded frame for every subscriber on the node, resumes a connection over
 * topics of any partitions on any node without a gap: each partition continues after its own position.
 *
 * <p>Printed forms (README, "Event ids"):
 * <ul>
 * <li>one partition: the stream position, {@code <epoch>-<millis base 36>-<seq base 36>}, as before
 * partitions existed;</li>
 * <li>several: {@code <epochs>.<base>.<p0>.<p1>...}: a fingerprint of every partition's epoch, the newest
 * millisecond among the positions (base 36), then per partition how many milliseconds it lies before that
 * base (base 36) with {@code -<seq>} when its sequence is not 0, empty where this node had not yet read the
 * partition;</li>
 * <li>a publish's answer (several partitions): {@code <partition>:<epoch>-<millis>-<seq>}, the event's own
 * position, which says nothing of the other partitions ({@link #single}).</li>
 * </ul>
 */
final class Cursor implements Position {
    /** Text longer than this is no id of Herald's (64 partitions of busy streams stay well below). */
    static final int MAX_TEXT = 1_024;
    /** What {@link #parse} yields for text that is no cursor: every partition unknown. */
    private static final RedisPosition[] NONE = new RedisPosition[0];

    /** Per partition, the position; null where unknown. Epochs are "" in a parsed several-partition cursor. */
    private final RedisPosition[] parts;
    /** The partition of the entry this cursor was made for, or -1. */
    private final int own;
    /** For several partitions parsed or made from a vector: the epochs' fingerprint; null otherwise. */
    private final String epochs;
    private final String id;

    private Cursor(RedisPosition[] parts, int own, String epochs, String id) {
        this.parts = parts;
        this.own = own;
        this.epochs = epochs;
        this.id = id;
    }

    /** The node's read position over all partitions at an entry of partition {@code own}; takes the array. */
    static Cursor of(RedisPosition[] vector, String epochsFingerprint, int own) {
        String text = vector.length == 1 ? (vector[0] == null ? "" : vector[0].id()) : print(vector, epochsFingerprint);
        return new Cursor(vector, own, vector.length == 1 ? null : epochsFingerprint, text);
    }

    /** Just one entry's position (a publish's answer): the other partitions are unknown. */
    static Cursor single(int partitions, int own, RedisPosition position) {
        RedisPosition[] parts = new RedisPosition[partitions];
        parts[own] = position;
        return new Cursor(parts, own, null, partitions == 1 ? position.id() : own + ":" + position.id());
    }

    /** Never throws: text that is no cursor of a log with this many partitions knows no partition. */
    static Cursor parse(String text, int partitions) {
        if (text == null || text.length() > MAX_TEXT) {
            return new Cursor(NONE, -1, null, "");
        }
        if (partitions == 1) {
            RedisPosition position = RedisPosition.parse(text);
            return position == null ? new Cursor(NONE, -1, null, text) : single(1, 0, position);
        }
        int colon = text.indexOf(':');
        if (colon > 0 && colon <= 2) {
            int partition = parseInt(text.substring(0, colon), 10);
            RedisPosition position = RedisPosition.parse(text.substring(colon + 1));
            return partition < 0 || partition >= partitions || position == null ? new Cursor(NONE, -1, null, text)
                    : single(partitions, partition, position);
        }
        String[] fields = text.split("\\.", -1);
        if (fields.length != partitions + 2 || fields[0].isEmpty() || fields[0].length() > 8) {
            return new Cursor(NONE, -1, null, text);
        }
        long base = parseLong(fields[1]);
        if (base < 0) {
            return new Cursor(NONE, -1, null, text);
        }
        RedisPosition[] parts = new RedisPosition[partitions];
        for (int i = 0; i < partitions; i++) {
            String field = fields[i + 2];
            if (field.isEmpty()) {
                continue;
            }
            int dash = field.indexOf('-');
            long delta = parseLong(dash < 0 ? field : field.substring(0, dash));
            long seq = dash < 0 ? 0 : parseLong(field.substring(dash + 1));
            if (delta < 0 || delta > base || seq < 0) {
                return new Cursor(NONE, -1, null, text);
            }
            parts[i] = new RedisPosition("", base - delta, seq);
        }
        return new Cursor(parts, -1, fields[0], text);
    }

    /**
     * Where this cursor stands in each partition of the log as it is now ({@code epochs}: each partition's epoch,
     * null where unknown): null for every partition it cannot continue without a gap (another epoch, not known).
     */
    RedisPosition[] resolve(String[] epochs) {
        RedisPosition[] resolved = new RedisPosition[epochs.length];
        if (parts.length != epochs.length) {
            return resolved;
        }
        boolean fingerprinted = this.epochs != null;
        if (fingerprinted && !this.epochs.equals(fingerprint(epochs))) {
            return resolved;
        }
        for (int i = 0; i < parts.length; i++) {
            RedisPosition part = parts[i];
            if (part == null || epochs[i] == null) {
                continue;
            }
            if (fingerprinted) {
                resolved[i] = new RedisPosition(epochs[i], part.millis(), part.seq());
            } else if (part.epoch().equals(epochs[i])) {
                resolved[i] = part;
            }
        }
        return resolved;
    }

    /** The vector this cursor was made from (not a copy); parsed cursors carry no epochs in it. */
    RedisPosition[] parts() {
        return parts;
    }

    /** The entry's own position in its partition ({@link #own()}). */
    RedisPosition ownPart() {
        return parts[own];
    }

    int own() {
        return own;
    }

    /** A short fingerprint of the partitions' epochs (CRC32, base 36): ids of another epoch do not match it. */
    static String fingerprint(String[] epochs) {
        CRC32 crc = new CRC32();
        for (String epoch : epochs) {
            crc.update((epoch == null ? "" : epoch).getBytes(StandardCharsets.US_ASCII));
            crc.update(',');
        }
        return Long.toString(crc.getValue(), 36);
    }

    /** Component-wise newest of two vectors of the same epochs (null is older than anything). */
    static RedisPosition[] max(RedisPosition[] into, RedisPosition[] other) {
        for (int i = 0; i < into.length; i++) {
            if (other[i] != null && (into[i] == null || other[i].compareTo(into[i]) > 0)) {
                into[i] = other[i];
            }
        }
        return into;
    }

    private static String print(RedisPosition[] vector, String epochsFingerprint) {
        long base = 0;
        for (RedisPosition part : vector) {
            if (part != null) {
                base = Math.max(base, part.millis());
            }
        }
        StringBuilder text = new StringBuilder(16 + vector.length * 6).append(epochsFingerprint).append('.')
                .append(Long.toString(base, 36));
        for (RedisPosition part : vector) {
            text.append('.');
            if (part != null) {
                text.append(Long.toString(base - part.millis(), 36));
                if (part.seq() != 0) {
                    text.append('-').append(Long.toString(part.seq(), 36));
                }
            }
        }
        return text.toString();
    }

    private static long parseLong(String digits) {
        if (digits.isEmpty() || digits.length() > 12) {
            return -1;
        }
        try {
            return Long.parseLong(digits, 36);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int parseInt(String digits, int radix) {
        try {
            return Integer.parseInt(digits, radix);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
