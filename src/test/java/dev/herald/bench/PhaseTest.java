package dev.herald.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PhaseTest {
    private static final double P99_LIMIT = 250;

    static Phase phase(double seconds, long refused, long expected, long delivered, double p99, double cpuSeconds) {
        return new Phase(10, seconds, expected / 10, refused, 10, expected, delivered, 0, 0, 0, 0, 0,
                p99 / 2, p99 * 0.9, p99, p99 * 1.5, cpuSeconds);
    }

    private static Phase delivering(long expected, long delivered) {
        return phase(20, 0, expected, delivered, 100, 1);
    }

    @Test
    void deliveredRatio() {
        assertEquals(0.75, delivering(1000, 750).deliveredRatio());
        assertEquals(1.0, delivering(1000, 1000).deliveredRatio());
    }

    @Test
    void nothingExpectedIsAllDelivered() {
        // no subscribers or nothing accepted: nothing can be missing
        assertEquals(1.0, delivering(0, 0).deliveredRatio());
    }

    @Test
    void deliveriesPerSecond() {
        assertEquals(2500.0, phase(4, 0, 10_000, 10_000, 1, 1).deliveriesPerSecond());
        assertEquals(0.0, phase(0, 0, 10, 10, 1, 1).deliveriesPerSecond(), "a phase that took no time");
    }

    @Test
    void cpuPerThousandDeliveries() {
        assertEquals(0.5, phase(20, 0, 4000, 4000, 1, 2).cpuPerThousand(), 1e-12);
        assertEquals(3.0, phase(20, 0, 500, 500, 1, 1.5).cpuPerThousand(), 1e-12);
    }

    @Test
    void cpuPerThousandIsNaNWithoutDeliveries() {
        assertTrue(Double.isNaN(phase(20, 0, 1000, 0, 1, 2).cpuPerThousand()));
    }

    @Test
    void p99AtTheLimitPasses() {
        assertTrue(phase(20, 0, 1000, 1000, P99_LIMIT, 1).withinSlo(P99_LIMIT));
        assertFalse(phase(20, 0, 1000, 1000, Math.nextUp(P99_LIMIT), 1).withinSlo(P99_LIMIT));
    }

    @Test
    void deliveredRatioAtTheLimitPasses() {
        assertTrue(delivering(1000, 999).withinSlo(P99_LIMIT), "99.9 %");
        assertTrue(delivering(2_000_000, 1_998_000).withinSlo(P99_LIMIT), "99.9 % of a large fanout");
        assertFalse(delivering(10_000, 9_989).withinSlo(P99_LIMIT), "99.89 %");
    }

    @Test
    void anyRefusedPublishFails() {
        assertTrue(phase(20, 0, 1000, 1000, 1, 1).withinSlo(P99_LIMIT));
        assertFalse(phase(20, 1, 1000, 1000, 1, 1).withinSlo(P99_LIMIT));
    }
}
