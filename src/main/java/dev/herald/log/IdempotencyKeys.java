package dev.herald.log;

import dev.herald.hub.Position;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recent Idempotency-Keys per topic, with the fingerprint (SHA-256 of the body) of their first publish, so a
 * retry gets the first attempt's position and a reused key with another body is told so. Bounded by count
 * (oldest forgotten first) and by the history window's age. Guarded by the log's sequencer.
 */
final class IdempotencyKeys {
    record Remembered(Position position, byte[] fingerprint, long atMillis) {
    }

    private final long maxAgeMillis;
    private final LinkedHashMap<String, Remembered> keys;

    IdempotencyKeys(int maxKeys, Duration maxAge) {
        this.maxAgeMillis = maxAge.toMillis();
        this.keys = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** The first publish with this key on this topic within the window, or null. */
    Remembered find(String topic, String key, long nowMillis) {
        Remembered seen = keys.get(topic + '\n' + key);
        return seen != null && nowMillis - seen.atMillis <= maxAgeMillis ? seen : null;
    }

    void remember(String topic, String key, Position position, byte[] fingerprint, long nowMillis) {
        keys.put(topic + '\n' + key, new Remembered(position, fingerprint, nowMillis));
    }
}
