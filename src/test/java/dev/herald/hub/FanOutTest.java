package dev.herald.hub;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fan-out holds no lock that subscribe, close or a metrics read needs; deliveries are counted when done. */
class FanOutTest extends HubTestSupport {
    private static final int WIDE = 10_000;

    @Test
    void aFanOutParkedMidWayBlocksNeitherSubscribeNorCloseNorAMetricsRead() throws Exception {
        CountDownLatch parked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Hub hub = hub(settings(), new FanOutObserver() {
            @Override
            public void sliceOffered(Event event, int lane, int offered) {
                if (event.topic().equals("wide") && lane == 0) {
                    parked.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void fannedOut(Event event, int subscribers, int overflows, long startNanos, long endNanos) {
            }
        });
        assertTrue(hub.settings().writerThreads() >= 2, "a fan-out has at least two slices");
        List<Subscriber> wide = new ArrayList<>();
        for (int i = 0; i < WIDE; i++) {
            wide.add(subscribe(hub, TestSink.sync(), null, "wide").subscriber());
        }
        CompletableFuture<Event> fanOut = CompletableFuture.supplyAsync(() -> publish(hub, "wide", "{}"));
        assertTrue(parked.await(10, TimeUnit.SECONDS), "fan-out parked after its first slice");
        try {
            TestSink late = TestSink.sync();
            Subscriber joined = CompletableFuture.supplyAsync(() -> subscribe(hub, late, null, "wide", "other")
                    .subscriber()).get(5, TimeUnit.SECONDS);
            CompletableFuture.runAsync(() -> hub.close(wide.get(WIDE - 1), CloseReason.CLIENT_GONE))
                    .get(5, TimeUnit.SECONDS);
            int[] read = CompletableFuture.supplyAsync(() -> new int[] {hub.connectionCount(TestSink.TRANSPORT),
                    hub.topicCount(), (int) hub.retainedEvents(), hub.topicInfo("wide").subscribers()})
                    .get(5, TimeUnit.SECONDS);
            assertEquals(WIDE, read[0], "10 000 open, one closed, one joined");
            assertEquals(2, read[1]);
            assertEquals(1, read[2]);
            assertEquals(WIDE, read[3]);
            assertFalse(fanOut.isDone(), "the fan-out is still parked");
            release.countDown();
            Event event = fanOut.get(10, TimeUnit.SECONDS);
            assertTrue(joined.queuedEvents() == 0 && !late.eventIds().contains(event.id()),
                    "a subscriber that joined after the fan-out began gets the event by replay only");
        } finally {
            release.countDown();
        }
    }

    @Test
    void deliveriesAreCountedWhenTheWriteCompletesNotWhenItStarts() {
        Hub hub = hub();
        TestSink sink = TestSink.async();
        Subscriber subscriber = subscribe(hub, sink, null, "a").subscriber();
        sink.completeAnnouncement("a");
        publish(hub, "a", "{}");
        Await.until(() -> sink.writes() == 2, "event write started");
        assertEquals(0, metrics.get("delivered/test"), "in flight is not delivered");
        sink.completeOne();
        assertEquals(1, metrics.get("delivered/test"));
        publish(hub, "a", "{}");
        Await.until(() -> sink.writes() == 3, "second write started");
        subscriber.writeFailed(new IOException("reset by peer"));
        sink.awaitClosed();
        assertEquals(1, metrics.get("delivered/test"), "a failed write is no delivery");
        assertEquals(0, metrics.droppedCount("disconnect"), "the client left: nothing was dropped by the server");
    }

    @Test
    void aSinkWhoseWritesNeedNoFlushIsNotDrainedAgainAfterEachWrite() {
        Hub hub = hub();
        TestSink sink = TestSink.asyncUnbuffered();
        subscribe(hub, sink, null, "a");
        sink.completeAnnouncement("a");
        for (int i = 0; i < 20; i++) {
            publish(hub, "a", "{}");
            int writes = i + 2;
            Await.until(() -> sink.writes() == writes, "event written");
            sink.completeOne();
        }
        Await.until(() -> metrics.get("delivered/test") == 20, "all delivered");
        assertEquals(0, sink.flushes(), "no drain just to flush after a WebSocket-like write");
        sink.assertNoViolations();
    }

    @Test
    void aServerInitiatedCloseCountsTheEventsItGaveUp() {
        Hub hub = hub();
        TestSink sink = TestSink.notWritable();
        Subscriber subscriber = subscribe(hub, sink, null, "a").subscriber();
        for (int i = 0; i < 5; i++) {
            publish(hub, "a", "{}");
        }
        hub.close(subscriber, CloseReason.WRITE_TIMEOUT);
        assertEquals(5, metrics.droppedCount("disconnect"));

        TestSink leaving = TestSink.notWritable();
        Subscriber client = subscribe(hub, leaving, null, "a").subscriber();
        publish(hub, "a", "{}");
        hub.close(client, CloseReason.CLIENT_GONE);
        assertEquals(5, metrics.droppedCount("disconnect"), "events queued for a client that left are no drops");
    }

    @Test
    void anErrorThrownBySinkClosesTheSubscriberAndTheLaneGoesOn() {
        Hub hub = hub(settings().withWriterThreads(1));
        TestSink failing = TestSink.sync();
        Subscriber broken = subscribe(hub, failing, null, "a").subscriber();
        failing.awaitAnnouncement("a");
        failing.throwOnWrite(new StackOverflowError("simulated"));
        TestSink healthy = TestSink.sync();
        subscribe(hub, healthy, null, "a");
        publish(hub, "a", "{}");
        failing.awaitClosed();
        assertTrue(broken.isClosed());
        assertEquals(CloseReason.CLIENT_GONE, failing.closedWith());
        Event next = publish(hub, "a", "{}");
        Await.until(() -> healthy.eventIds().contains(next.id()), "the lane still drains its other subscribers");
        Await.until(() -> hub.connectionCount() == 1, "the broken subscriber is gone");
    }

    @Test
    void aSubscribeRacingCloseEitherIsRefusedOrGetsItsSinkClosed() throws Exception {
        for (int round = 0; round < 30; round++) {
            Hub hub = hub();
            List<TestSink> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch started = new CountDownLatch(2);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Thread thread = new Thread(() -> {
                    started.countDown();
                    for (int i = 0; i < 200; i++) {
                        TestSink sink = TestSink.sync();
                        try {
                            hub.subscribe(List.of("a"), i % 2 == 0 ? null : id(0), sink);
                            accepted.add(sink);
                        } catch (HubException e) {
                            assertEquals(HubException.Reason.CLOSED, e.reason());
                            return;
                        }
                    }
                });
                threads.add(thread);
                thread.start();
            }
            started.await();
            hub.close();
            for (Thread thread : threads) {
                thread.join(10_000);
            }
            for (TestSink sink : accepted) {
                sink.awaitClosed();
                assertEquals(CloseReason.SHUTDOWN, sink.closedWith());
            }
            assertEquals(0, hub.connectionCount(), "round " + round);
        }
    }

    @Test
    void theLogReportsItselfDownWhenStoppedOrStalledAndRefusesAppendsMeanwhile() throws Exception {
        CountDownLatch parked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Hub hub = hub(settings(), (event, subscribers, overflows, start, end) -> {
            if (event.topic().equals("stall")) {
                parked.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertTrue(hub.backplaneUp());
        CompletableFuture<Event> stalled = CompletableFuture.supplyAsync(() -> publish(hub, "stall", "{}"));
        try {
            assertTrue(parked.await(10, TimeUnit.SECONDS));
            Await.until(() -> !hub.backplaneUp(), Duration.ofSeconds(5), "down once the append ran past the timeout");
            HubException refused = org.junit.jupiter.api.Assertions.assertThrows(HubException.class,
                    () -> publish(hub, "other", "{}"));
            assertEquals(HubException.Reason.BACKPLANE_UNAVAILABLE, refused.reason());
        } finally {
            release.countDown();
        }
        stalled.get(10, TimeUnit.SECONDS);
        assertTrue(hub.backplaneUp(), "up again once delivery moves");
        hub.log().close();
        assertFalse(hub.backplaneUp(), "a stopped log is down");
    }
}
