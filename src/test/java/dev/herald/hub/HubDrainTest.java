package dev.herald.hub;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hub.drain: closes spread over the period, queues written first, new subscriptions refused. */
class HubDrainTest extends HubTestSupport {

    @Test
    void closesAreSpreadOverThePeriodNotAllAtOnce() throws Exception {
        Hub hub = hub();
        List<TestSink> sinks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            TestSink sink = TestSink.sync();
            subscribe(hub, sink, null, "t" + (i % 7));
            sinks.add(sink);
        }
        long start = System.nanoTime();
        hub.drain(Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS);
        long total = System.nanoTime() - start;
        long inFirstQuarter = sinks.stream().filter(s -> s.closedAtNanos() - start < 250_000_000L).count();
        long inLastHalf = sinks.stream().filter(s -> s.closedAtNanos() - start >= 500_000_000L).count();
        assertTrue(inFirstQuarter <= 100, "at most half in the first quarter of the period: " + inFirstQuarter);
        assertTrue(inLastHalf >= 60, "many in the second half: " + inLastHalf);
        assertTrue(total >= 900_000_000L, "the last close near the end of the period: " + total / 1_000_000 + " ms");
        sinks.forEach(sink -> assertEquals(CloseReason.SHUTDOWN, sink.closedWith()));
        assertEquals(0, hub.connectionCount());
        assertEquals(200, metrics.closedCount(CloseReason.SHUTDOWN));
    }

    @Test
    void queuedEventsAreWrittenBeforeTheCloseAndNothingIsCountedAsDropped() throws Exception {
        Hub hub = hub();
        TestSink stalled = TestSink.notWritable();
        subscribe(hub, stalled, null, "a");
        List<Event> published = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            published.add(publish(hub, "a", "{\"n\":" + i + "}"));
        }
        var drained = hub.drain(Duration.ZERO);
        publish(hub, "a", "{\"late\":true}");
        stalled.makeWritable();
        drained.get(5, TimeUnit.SECONDS);
        assertEquals(published, stalled.events(), "the queue, and nothing that came after the drain began");
        assertEquals(CloseReason.SHUTDOWN, stalled.closedWith());
        assertEquals(0, metrics.droppedCount("disconnect") + metrics.droppedCount("drop-oldest"),
                "a drained client lost nothing: it resumes from its last id");
        stalled.assertNoViolations();
    }

    @Test
    void aDrainingHubRefusesNewSubscriptions() {
        Hub hub = hub();
        hub.drain(Duration.ofSeconds(1));
        HubException e = assertThrows(HubException.class, () -> hub.subscribe(List.of("a"), null, TestSink.sync()));
        assertEquals(HubException.Reason.DRAINING, e.reason());
    }
}
