package dev.herald.publish;

import dev.herald.hub.Event;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers recent Idempotency-Keys (per topic) so a retried publish gets the first attempt's id instead of
 * a second event. Bounded by count (oldest forgotten first) and by the history window's age.
 */
final class IdempotencyKeys {
    private record Remembered(String id, long atMillis) {
    }

    private final int maxKeys;
    private final long maxAgeMillis;
    private final LinkedHashMap<String, Remembered> keys;

    IdempotencyKeys(int maxKeys, Duration maxAge) {
        this.maxKeys = maxKeys;
        this.maxAgeMillis = maxAge.toMillis();
        this.keys = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
                return size() > IdempotencyKeys.this.maxKeys;
            }
        };
    }

    /** Publishes unless this key was seen for this topic within the window; returns the event or its first id. */
    synchronized String publishOnce(String topic, String key, PublishService.EventSupplier publish) {
        long now = System.currentTimeMillis();
        String mapKey = topic + '\n' + key;
        Remembered seen = keys.get(mapKey);
        if (seen != null && now - seen.atMillis <= maxAgeMillis) {
            return seen.id;
        }
        Event event = publish.publish();
        keys.put(mapKey, new Remembered(event.id(), now));
        return event.id();
    }
}
