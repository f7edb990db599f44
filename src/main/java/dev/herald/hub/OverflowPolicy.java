package dev.herald.hub;

import java.util.Locale;

/** What a subscriber's full queue does with a new event of a topic. */
public record OverflowPolicy(Kind kind, String conflationKey) {

    public enum Kind {
        /** Drop the oldest queued event and tell the client, in order, with a {@code herald.dropped} signal. */
        DROP_OLDEST("drop-oldest"),
        /** Replace the queued event with the same key value; without one, fall back to drop-oldest. */
        CONFLATE("conflate"),
        /** Close the connection with a reason; the client resumes from history, so nothing is lost silently. */
        DISCONNECT("disconnect");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public static final OverflowPolicy DROP_OLDEST = new OverflowPolicy(Kind.DROP_OLDEST, null);
    public static final OverflowPolicy DISCONNECT = new OverflowPolicy(Kind.DISCONNECT, null);

    public OverflowPolicy {
        if ((kind == Kind.CONFLATE) != (conflationKey != null && !conflationKey.isBlank())) {
            throw new IllegalArgumentException("conflate needs a key (conflate:<json-key>), other policies take none");
        }
    }

    /** Parses {@code drop-oldest}, {@code disconnect} or {@code conflate:<key>}. */
    public static OverflowPolicy parse(String text) {
        String value = text.trim();
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.equals(Kind.DROP_OLDEST.label)) {
            return DROP_OLDEST;
        }
        if (lower.equals(Kind.DISCONNECT.label)) {
            return DISCONNECT;
        }
        if (lower.startsWith(Kind.CONFLATE.label + ":")) {
            return new OverflowPolicy(Kind.CONFLATE, value.substring(Kind.CONFLATE.label.length() + 1).trim());
        }
        throw new IllegalArgumentException("unknown overflow policy '" + text
                + "' (expected drop-oldest, disconnect or conflate:<json-key>)");
    }

    @Override
    public String toString() {
        return kind == Kind.CONFLATE ? kind.label + ":" + conflationKey : kind.label;
    }
}
