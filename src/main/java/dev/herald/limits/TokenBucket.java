package dev.herald.limits;

/**
 * A token bucket: {@code ratePerSecond} tokens a second, at most {@code burst} saved up. Thread-safe; time is
 * passed in (nanoTime) so tests need no clock.
 */
public final class TokenBucket {
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long updatedNanos;

    public TokenBucket(double ratePerSecond, double burst, long nowNanos) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate must be positive and burst at least 1");
        }
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.updatedNanos = nowNanos;
    }

    /**
     * Takes {@code count} tokens if the bucket holds them. Returns 0 when taken; otherwise the nanoseconds until
     * it will (at least 1), and nothing is taken. A count above the burst can never be taken: it waits for a
     * full bucket and is refused then too, so callers cap batches at the burst.
     */
    public synchronized long tryTake(int count, long nowNanos) {
        refill(nowNanos);
        if (tokens >= count) {
            tokens -= count;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((Math.min(count, burst) - tokens) / ratePerNano));
    }

    /** True when the bucket has refilled completely: forgetting it changes nothing. */
    public synchronized boolean isFull(long nowNanos) {
        refill(nowNanos);
        return tokens >= burst;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - updatedNanos;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * ratePerNano);
            updatedNanos = nowNanos;
        }
    }
}
