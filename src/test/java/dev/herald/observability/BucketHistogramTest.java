package dev.herald.observability;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BucketHistogramTest {

    @Test
    void bucketsAreCumulativeWithInclusiveUpperBoundsAndSumInExportedUnits() {
        BucketHistogram latency = new BucketHistogram(BucketHistogram.LATENCY_SECONDS, 1e9);
        latency.record(1_000_000);        // exactly 1 ms: in le="0.001"
        latency.record(1_000_001);        // just above: le="0.0025"
        latency.record(250_000_000);      // exactly the SLO threshold: le="0.25"
        latency.record(60_000_000_000L);  // a minute: only +Inf
        assertEquals("0.001", latency.le(0));
        assertEquals("0.25", latency.le(7));
        assertEquals("10", latency.le(12));
        assertEquals(1, latency.cumulative(0));
        assertEquals(2, latency.cumulative(1));
        assertEquals(2, latency.cumulative(6));
        assertEquals(3, latency.cumulative(7));
        assertEquals(3, latency.cumulative(12));
        assertEquals(4, latency.count());
        assertEquals(60.252000001, latency.sum(), 1e-9);
    }

    @Test
    void concurrentRecordingLosesNothing() throws InterruptedException {
        BucketHistogram depth = new BucketHistogram(BucketHistogram.QUEUE_DEPTH, 1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 100_000; i++) {
                    depth.record(i % 2000);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(400_000, depth.count());
        // values 0..1 fall in le="1": 2 of every 2000
        assertEquals(400, depth.cumulative(0));
        // values 0..1024 fall in le="1024": 1025 of every 2000
        assertEquals(4 * 50 * 1025, depth.cumulative(10));
    }
}
