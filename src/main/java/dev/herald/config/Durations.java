package dev.herald.config;

import java.time.Duration;
import java.util.Locale;

/** Parses the duration forms the configuration table accepts: {@code 500ms}, {@code 15s}, {@code 5m}, {@code PT5M}. */
public final class Durations {
    private Durations() {
    }

    public static Duration parse(String key, String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (value.startsWith("pt") || value.startsWith("p")) {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            }
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2).trim()));
            }
            if (value.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1).trim()));
            }
            if (value.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1).trim()));
            }
            if (value.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(value.substring(0, value.length() - 1).trim()));
            }
            return Duration.ofSeconds(Long.parseLong(value));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + ": '" + text + "' is not a duration (e.g. 500ms, 15s, 5m, PT5M)", e);
        }
    }
}
