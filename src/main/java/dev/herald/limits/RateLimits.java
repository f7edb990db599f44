package dev.herald.limits;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link TokenBucket} per key (a token subject). Bounded: at {@code maxKeys} buckets, the full ones are
 * forgotten first (a full bucket behaves exactly like a new one); if every bucket is in use, keys beyond share
 * one overflow bucket, so memory stays bounded however many subjects a token issuer mints.
 */
public final class RateLimits {
    private final double ratePerSecond;
    private final int burst;
    private final int maxKeys;
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final TokenBucket overflow;

    /** @param ratePerSecond 0 turns the limit off */
    public RateLimits(double ratePerSecond, int burst, int maxKeys) {
        this.ratePerSecond = ratePerSecond;
        this.burst = Math.max(1, burst);
        this.maxKeys = maxKeys;
        this.overflow = ratePerSecond > 0 ? new TokenBucket(ratePerSecond, this.burst, System.nanoTime()) : null;
    }

    public boolean enabled() {
        return ratePerSecond > 0;
    }

    /** 0 when {@code count} events may go now; otherwise nanoseconds to wait. Always 0 when the limit is off. */
    public long tryTake(String key, int count, long nowNanos) {
        if (!enabled()) {
            return 0;
        }
        TokenBucket bucket = buckets.get(key);
        if (bucket == null) {
            if (buckets.size() >= maxKeys) {
                buckets.values().removeIf(candidate -> candidate.isFull(nowNanos));
            }
            bucket = buckets.size() < maxKeys
                    ? buckets.computeIfAbsent(key, k -> new TokenBucket(ratePerSecond, burst, nowNanos))
                    : overflow;
        }
        return bucket.tryTake(count, nowNanos);
    }

    /** Buckets kept now (for tests of the bound). */
    public int size() {
        return buckets.size();
    }
}
