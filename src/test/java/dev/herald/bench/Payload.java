package dev.herald.bench;

import java.time.Instant;

/**
 * The benchmark's event body, {"sent":<epoch µs>,"seq":<n>} plus optional padding, and the reading of those
 * two numbers from whatever a server wraps around it (Herald's WS envelope, nchan's raw body). Reading is a
 * substring scan, not a JSON parse: the client threads parse tens of thousands of events a second and the
 * body is ours.
 */
final class Payload {
    static final String SENT = "\"sent\":";
    static final String SEQ = "\"seq\":";

    private Payload() {
    }

    static String encode(long seq, long sentMicros, int padBytes) {
        StringBuilder body = new StringBuilder(48 + padBytes).append("{\"sent\":").append(sentMicros)
                .append(",\"seq\":").append(seq);
        if (padBytes > 0) {
            body.append(",\"pad\":\"").append("x".repeat(padBytes)).append('"');
        }
        return body.append('}').toString();
    }

    /** Microseconds since the epoch; every process on the machine reads the same clock. */
    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** The non-negative integer after {@code field} in {@code text}, or -1 if absent. */
    static long number(CharSequence text, String field) {
        int at = indexOf(text, field);
        if (at < 0) {
            return -1;
        }
        long value = 0;
        int digits = 0;
        for (int i = at + field.length(); i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
            digits++;
        }
        return digits == 0 ? -1 : value;
    }

    private static int indexOf(CharSequence text, String field) {
        if (text instanceof String s) {
            return s.indexOf(field);
        }
        return text.toString().indexOf(field);
    }
}
