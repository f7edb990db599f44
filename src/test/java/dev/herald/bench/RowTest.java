package dev.herald.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class RowTest {
    private static final double P99_LIMIT = 250;

    private static Row row(long opened) {
        Row row = new Row("hold", "Herald/Payara SSE servlet", "payara:servlet", "sse", (int) opened);
        row.opened = opened;
        return row;
    }

    private static Target.Sample sample(long heapUsedKb, long heapCommittedKb, long pssKb) {
        return new Target.Sample(heapUsedKb, heapCommittedKb, pssKb, 0);
    }

    @Test
    void heapAndNativePerConnection() {
        Row row = row(1000);
        Target.Sample before = sample(100_000, 200_000, 500_000);
        Target.Sample after = sample(150_000, 250_000, 700_000);
        row.memory(before, after);
        assertEquals(50.0, row.heapKb, 1e-9, "live heap growth / opened");
        // PSS grew 200 000 KB, 50 000 of which is heap the JVM committed (and pre-touched)
        assertEquals(150.0, row.nativeKb, 1e-9);
        assertEquals(200.0, row.sumKb(), 1e-9);
        assertSame(before, row.base);
        assertSame(after, row.loaded);
    }

    @Test
    void heapThatShrankIsNotBilledAsNative() {
        Row row = row(100);
        // G1 gave back committed heap while connections were opened: PSS fell by that much too
        row.memory(sample(100_000, 300_000, 800_000), sample(110_000, 250_000, 760_000));
        assertEquals(100.0, row.heapKb, 1e-9);
        assertEquals(100.0, row.nativeKb, 1e-9, "(-40 000 - -50 000) / 100");
    }

    @Test
    void serverWithoutManagedHeapIsAllNative() {
        Row row = row(1000);
        row.memory(sample(-1, -1, 10_000), sample(-1, -1, 30_000));
        assertEquals(0.0, row.heapKb);
        assertEquals(20.0, row.nativeKb, 1e-9, "ΔPSS / opened");
        assertEquals(20.0, row.sumKb(), 1e-9);
    }

    @Test
    void noOpenedConnectionsDoesNotDivideByZero() {
        Row row = row(0);
        row.memory(sample(1000, 2000, 5000), sample(1100, 2000, 5300));
        assertEquals(100.0, row.heapKb, 1e-9);
        assertEquals(300.0, row.nativeKb, 1e-9);
        assertEquals(0.0, row.totalMb(), "nothing held, nothing in total");
    }

    @Test
    void totalMbIsPerConnectionTimesOpened() {
        Row row = row(1000);
        row.memory(sample(100_000, 200_000, 500_000), sample(150_000, 250_000, 700_000));
        assertEquals(200.0 * 1000 / 1024, row.totalMb(), 1e-9);
    }

    @Test
    void heapGrowthFromLoadedToEnd() {
        Row row = row(10);
        row.memory(sample(100, 200, 300), sample(1_000, 2_000, 3_000));
        assertEquals(0, row.heapGrowthKb(), "no end sample yet");
        row.end = sample(1_250, 2_000, 3_100);
        assertEquals(250, row.heapGrowthKb());
        row.end = sample(900, 2_000, 3_100);
        assertEquals(-100, row.heapGrowthKb(), "a shrinking heap shows as such");
    }

    @Test
    void heapGrowthOfAServerWithoutManagedHeapIsZero() {
        Row row = row(10);
        row.memory(sample(-1, -1, 300), sample(-1, -1, 3_000));
        row.end = sample(-1, -1, 3_100);
        assertEquals(0, row.heapGrowthKb());
    }

    @Test
    void maxSustainedPicksTheBestPhaseWithinTheSlos() {
        Row row = row(1000);
        row.sweep.add(PhaseTest.phase(10, 0, 10_000, 10_000, 20, 1));      // 1 000/s
        row.sweep.add(PhaseTest.phase(10, 0, 50_000, 50_000, 240, 1));     // 5 000/s, p99 within
        row.sweep.add(PhaseTest.phase(10, 0, 100_000, 100_000, 400, 1));   // 10 000/s, p99 too high
        row.sweep.add(PhaseTest.phase(10, 0, 80_000, 70_000, 100, 1));     // 7 000/s, too few delivered
        row.sweep.add(PhaseTest.phase(10, 3, 90_000, 90_000, 100, 1));     // 9 000/s, publishes refused
        assertEquals(5_000.0, row.maxSustainedDeliveriesPerSecond(P99_LIMIT), 1e-9);
        assertEquals(10_000.0, row.maxSustainedDeliveriesPerSecond(500), 1e-9, "the limit is the caller's");
    }

    @Test
    void maxSustainedIsZeroWhenNoPhasePasses() {
        Row row = row(1000);
        assertEquals(0.0, row.maxSustainedDeliveriesPerSecond(P99_LIMIT));
        row.sweep.add(PhaseTest.phase(10, 0, 10_000, 10_000, 300, 1));
        assertEquals(0.0, row.maxSustainedDeliveriesPerSecond(P99_LIMIT));
    }
}
