package dev.herald.hub;

import dev.herald.log.MemoryEventLog;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one delivery allocates on the heap, measured with the JVM's per-thread allocation counters on the
 * publishing thread and every writer thread: with no-op sinks and no metrics, only per-event objects remain
 * (the event, its id, the append's stage), shared by all 10 000 subscribers.
 */
class FanOutAllocationTest {
    private static final int SUBSCRIBERS = 10_000;
    private static final int WARM_UP_EVENTS = 300;
    private static final int MEASURED_EVENTS = 300;

    /** Counts deliveries; writes finish at once and allocate nothing. */
    private static final class NoOpSink implements Sink {
        private final AtomicLong delivered;

        NoOpSink(AtomicLong delivered) {
            this.delivered = delivered;
        }

        @Override public void attach(Subscriber subscriber) { }
        @Override public String transport() { return "noop"; }
        @Override public boolean canWrite() { return true; }
        @Override public boolean write(Event event) { delivered.incrementAndGet(); return true; }
        @Override public boolean write(Signal signal) { return true; }
        @Override public void flush() { }
        @Override public void close(CloseReason reason) { }
    }

    @Test
    void aDeliveryAllocatesLessThan16Bytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        HubSettings settings = HubSettings.defaults().withLimits(10, 64, SUBSCRIBERS + 10);
        MemoryEventLog log = new MemoryEventLog(settings, 10, Duration.ofSeconds(5), "alloc");
        Hub hub = new Hub(settings, log, HeraldMetrics.NONE);
        try {
            AtomicLong delivered = new AtomicLong();
            for (int i = 0; i < SUBSCRIBERS; i++) {
                hub.subscribe(List.of("wide"), null, new NoOpSink(delivered));
            }
            EventLog.Append append = new EventLog.Append("wide", "{\"price\":1}", null, null, null, null);
            publishAndAwait(log, append, WARM_UP_EVENTS, delivered);

            long[] ids = new long[hub.writerThreadIds().length + 1];
            System.arraycopy(hub.writerThreadIds(), 0, ids, 0, ids.length - 1);
            ids[ids.length - 1] = Thread.currentThread().getId();
            long before = sum(threads.getThreadAllocatedBytes(ids));
            long deliveredBefore = delivered.get();
            publishAndAwait(log, append, MEASURED_EVENTS, delivered);
            long allocated = sum(threads.getThreadAllocatedBytes(ids)) - before;
            long deliveries = delivered.get() - deliveredBefore;

            assertEquals((long) MEASURED_EVENTS * SUBSCRIBERS, deliveries);
            double perDelivery = (double) allocated / deliveries;
            System.out.printf("fan-out allocation: %,d bytes for %,d deliveries = %.3f bytes per delivery%n",
                    allocated, deliveries, perDelivery);
            assertTrue(perDelivery < 16, perDelivery + " bytes per delivery");
        } finally {
            hub.close();
            log.close();
        }
    }

    /** One event at a time, each fully delivered before the next, so queues stay at one event. */
    private static void publishAndAwait(MemoryEventLog log, EventLog.Append append, int events, AtomicLong delivered) {
        for (int i = 0; i < events; i++) {
            long target = delivered.get() + SUBSCRIBERS;
            log.append(append);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (delivered.get() < target) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("event " + i + " not delivered to every subscriber");
                }
                Thread.onSpinWait();
            }
        }
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long value : values) {
            total += value;
        }
        return total;
    }
}
