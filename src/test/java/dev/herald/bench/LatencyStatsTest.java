package dev.herald.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyStatsTest {
    /** LatencyStats keeps 3 significant digits: a reported value is within 10^-3 of the recorded one. */
    private static final double PRECISION = 1e-3;
    private static final long HOUR_MICROS = 3_600_000_000L;

    private static void assertMillis(double expected, double actual) {
        assertEquals(expected, actual, expected * PRECISION, () -> "expected " + expected + " ms ± 0.1 %");
    }

    /** 1, 2, …, 1000 ms, recorded in microseconds as the clients do. */
    private static LatencyStats oneToThousandMillis() {
        LatencyStats stats = new LatencyStats();
        for (int ms = 1; ms <= 1000; ms++) {
            stats.record(ms * 1000L);
        }
        return stats;
    }

    @Test
    void percentilesOfAKnownDistribution() {
        LatencyStats stats = oneToThousandMillis();
        assertEquals(1000, stats.count());
        assertMillis(500, stats.percentileMillis(50));
        assertMillis(950, stats.percentileMillis(95));
        assertMillis(990, stats.percentileMillis(99));
        assertMillis(1000, stats.percentileMillis(100));
        assertMillis(1000, stats.maxMillis());
        assertMillis(1, stats.percentileMillis(0));
    }

    @Test
    void reportsMillisecondsNotMicroseconds() {
        LatencyStats stats = new LatencyStats();
        stats.record(250);
        assertMillis(0.25, stats.percentileMillis(99));
        assertMillis(0.25, stats.maxMillis());
    }

    @Test
    void negativeLatencyCountsAsZero() {
        LatencyStats stats = new LatencyStats();
        stats.record(-3);
        stats.record(-1_000_000);
        assertEquals(2, stats.count());
        assertEquals(0, stats.maxMillis());
        assertEquals(0, stats.percentileMillis(100));
    }

    @Test
    void valuesAboveTheRangeAreClampedToAnHour() {
        LatencyStats stats = new LatencyStats();
        stats.record(Long.MAX_VALUE);
        stats.record(HOUR_MICROS * 5);
        assertEquals(2, stats.count());
        assertMillis(HOUR_MICROS / 1000.0, stats.maxMillis());
        assertMillis(HOUR_MICROS / 1000.0, stats.percentileMillis(50));
    }

    @Test
    void emptyIsZero() {
        LatencyStats stats = new LatencyStats();
        assertEquals(0, stats.count());
        assertEquals(0, stats.percentileMillis(50));
        assertEquals(0, stats.percentileMillis(99));
        assertEquals(0, stats.maxMillis());
    }

    @Test
    void encodeDecodeKeepsCountAndPercentiles() {
        LatencyStats original = oneToThousandMillis();
        LatencyStats copy = LatencyStats.decode(original.encode());
        assertEquals(1000, copy.count());
        // the compressed form carries the buckets themselves: values come back identical, not merely close
        for (double p : new double[] {0, 50, 95, 99, 99.9, 100}) {
            assertEquals(original.percentileMillis(p), copy.percentileMillis(p), "p" + p);
        }
        assertEquals(original.maxMillis(), copy.maxMillis());
    }

    @Test
    void encodeDecodeOfAnEmptyHistogram() {
        LatencyStats copy = LatencyStats.decode(new LatencyStats().encode());
        assertEquals(0, copy.count());
        assertEquals(0, copy.percentileMillis(99));
    }

    @Test
    void encodingIsOneTokenOnTheAnswerLine() {
        String encoded = oneToThousandMillis().encode();
        // ClientFleet splits answers on spaces and '='
        assertTrue(encoded.matches("[A-Za-z0-9+/]+=*"), encoded);
    }

    @Test
    void decodeRejectsGarbage() {
        assertThrows(IllegalArgumentException.class, () -> LatencyStats.decode("bm90IGEgaGlzdG9ncmFt"));
    }

    @Test
    void addMergesTwoHistograms() {
        LatencyStats fast = new LatencyStats();
        LatencyStats slow = new LatencyStats();
        for (int i = 0; i < 100; i++) {
            fast.record(10_000);   // 10 ms
            slow.record(200_000);  // 200 ms
        }
        slow.record(300_000);
        fast.add(slow);
        assertEquals(201, fast.count());
        // 100 at 10 ms, 101 at 200-300 ms: the median is the first slow one
        assertMillis(200, fast.percentileMillis(50));
        assertMillis(10, fast.percentileMillis(40));
        assertMillis(300, fast.maxMillis());
        assertEquals(101, slow.count(), "the argument is left as it was");
    }

    @Test
    void mergedMedianLiesBetweenTheParts() {
        LatencyStats a = new LatencyStats();
        LatencyStats b = new LatencyStats();
        for (int ms = 1; ms <= 100; ms++) {
            a.record(ms * 1000L);
            b.record((ms + 100) * 1000L);
        }
        double aMedian = a.percentileMillis(50);
        double bMedian = b.percentileMillis(50);
        a.add(b);
        double merged = a.percentileMillis(50);
        assertTrue(aMedian < merged && merged < bMedian, aMedian + " < " + merged + " < " + bMedian);
        assertMillis(100, merged);
    }

    @Test
    void resetForgetsEverything() {
        LatencyStats stats = oneToThousandMillis();
        stats.reset();
        assertEquals(0, stats.count());
        assertEquals(0, stats.maxMillis());
        stats.record(5_000);
        assertMillis(5, stats.maxMillis());
        assertMillis(5, stats.percentileMillis(50));
    }
}
