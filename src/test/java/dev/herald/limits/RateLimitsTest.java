package dev.herald.limits;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimitsTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBucketAllowsItsBurstThenItsRate() {
        TokenBucket bucket = new TokenBucket(10, 5, 0);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, bucket.tryTake(1, 0), "burst " + i);
        }
        long wait = bucket.tryTake(1, 0);
        assertEquals(SECOND / 10, wait, "one token every 100 ms");
        assertEquals(0, bucket.tryTake(1, SECOND / 10));
        assertEquals(0, bucket.tryTake(5, 10 * SECOND), "refilled to the burst, never above");
        assertTrue(bucket.tryTake(1, 10 * SECOND) > 0);
    }

    @Test
    void aCountAboveTheBurstWaitsForAFullBucketAndIsRefusedWithoutTakingAnything() {
        TokenBucket bucket = new TokenBucket(10, 5, 0);
        assertEquals(0, bucket.tryTake(2, 0));
        assertEquals(SECOND * 2 / 10, bucket.tryTake(6, 0), "capped at the burst: 2 tokens missing");
        assertEquals(0, bucket.tryTake(3, 0), "nothing was taken by the refusal");
    }

    @Test
    void eachKeyHasItsOwnBucket() {
        RateLimits limits = new RateLimits(1, 2, 100);
        assertEquals(0, limits.tryTake("a", 1, 0));
        assertEquals(0, limits.tryTake("a", 1, 0));
        assertTrue(limits.tryTake("a", 1, 0) > 0);
        assertEquals(0, limits.tryTake("b", 2, 0), "b is not slowed by a");
    }

    @Test
    void theMapIsBoundedFullBucketsAreForgottenAndTheRestShareOne() {
        RateLimits limits = new RateLimits(1, 1, 3);
        limits.tryTake("a", 1, 0);
        limits.tryTake("b", 1, 0);
        limits.tryTake("c", 1, 0);
        assertEquals(3, limits.size());
        // nobody has refilled at t=0: d and e share the overflow bucket
        assertEquals(0, limits.tryTake("d", 1, 0));
        assertTrue(limits.tryTake("e", 1, 0) > 0, "the overflow bucket is shared");
        assertEquals(3, limits.size());
        // two seconds later every bucket is full again: they are forgotten, f gets its own
        assertEquals(0, limits.tryTake("f", 1, 2 * SECOND));
        assertEquals(1, limits.size());
    }

    @Test
    void offMeansNoLimit() {
        RateLimits off = new RateLimits(0, 1, 10);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, off.tryTake("a", 1, 0));
        }
        assertEquals(0, off.size());
    }
}
