package dev.herald.hub;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-subscriber drain loop: sync and async sinks, writability, flush, heartbeat, timeouts, closing. */
class SubscriberDrainTest extends HubTestSupport {

    private static List<String> ids(List<Event> events) {
        return events.stream().map(Event::id).toList();
    }

    @Test
    void theSinkIsAttachedOnceBeforeAnythingIsWrittenAndFlushedAtOnce() {
        Hub hub = hub();
        TestSink sink = TestSink.sync();
        Hub.Subscription subscription = subscribe(hub, sink, null, "a");
        assertEquals(1, sink.attachCalls());
        assertTrue(sink.subscriber == subscription.subscriber());
        Await.until(() -> sink.flushes() >= 1, "first flush without any event");
        // the only write is the subscription's announcement, then the flush; no event, no other signal
        sink.awaitAnnouncement("a");
        assertEquals(1, sink.writes());
        assertEquals(List.of(new Signal.Subscribed(List.of("a"))), sink.written());
        assertEquals(List.of(), sink.items());
        assertEquals(List.of("a"), subscription.subscriber().topics());
        assertEquals(TestSink.TRANSPORT, subscription.subscriber().transport());
        assertEquals(1, metrics.openedCount());
        sink.assertNoViolations();
    }

    @Test
    void aSynchronousSinkGetsEveryEventThenAFlushWhenTheQueueRunsEmpty() {
        Hub hub = hub();
        TestSink sink = TestSink.sync();
        subscribe(hub, sink, null, "a");
        Await.until(() -> sink.flushes() >= 1, "initial flush");
        int flushesBefore = sink.flushes();
        List<Event> published = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            published.add(publish(hub, "a", "{\"i\":" + i + "}"));
        }
        sink.awaitEvents(50);
        assertEquals(ids(published), sink.eventIds());
        Await.until(() -> sink.flushes() > flushesBefore, "flush after the queue ran empty");
        Await.until(() -> metrics.get("delivered/" + TestSink.TRANSPORT) == 50, "delivered counted");
        sink.assertNoViolations();
    }

    @Test
    void anAsynchronousSinkNeverHasMoreThanOneWriteInFlight() {
        Hub hub = hub();
        TestSink sink = TestSink.async();
        Subscriber subscriber = subscribe(hub, sink, null, "a").subscriber();
        // the first write is the announcement; while it is in flight, nothing else is written
        sink.awaitAnnouncement("a");
        assertTrue(sink.writeInFlight());
        List<Event> published = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            published.add(publish(hub, "a", "{\"i\":" + i + "}"));
        }
        subscriber.writePossible();
        Await.staysTrue(() -> sink.writes() == 1, Duration.ofMillis(100), "announcement still the one write in flight");
        assertEquals(5, subscriber.queuedEvents());
        sink.completeOne();
        Await.until(() -> sink.writes() == 2, "first event write started");
        // more events and a spurious writePossible must not start a second write
        published.add(publish(hub, "a", "{}"));
        subscriber.writePossible();
        Await.staysTrue(() -> sink.writes() == 2, Duration.ofMillis(100), "one write in flight");
        assertEquals(5, subscriber.queuedEvents());
        // writes: 1 announcement + one per event
        for (int n = 3; n <= published.size() + 1; n++) {
            sink.completeOne();
            int expected = n;
            Await.until(() -> sink.writes() == expected, "write " + expected);
            assertTrue(sink.writeInFlight());
        }
        int flushes = sink.flushes();
        sink.completeOne();
        Await.until(() -> sink.flushes() > flushes, "flush after the last write completed");
        assertEquals(ids(published), sink.eventIds());
        assertEquals(published.size() + 1, sink.writes());
        assertEquals(new Signal.Subscribed(List.of("a")), sink.written().get(0));
        sink.assertNoViolations();
    }

    @Test
    void aCompletionThatRacesTheReturnOfWriteLosesNothing() {
        Hub hub = hub();
        TestSink sink = TestSink.asyncCompletingInline();
        subscribe(hub, sink, null, "a", "b");
        List<Event> published = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            published.add(publish(hub, i % 2 == 0 ? "a" : "b", "{}"));
        }
        sink.awaitEvents(200);
        assertEquals(ids(published), sink.eventIds());
        sink.assertNoViolations();
    }

    @Test
    void completionsFromAnotherThreadKeepOrderAndOneWriteInFlight() throws InterruptedException {
        ExecutorService completer = Executors.newFixedThreadPool(2);
        try {
            Hub hub = hub();
            TestSink sink = TestSink.asyncAuto(completer);
            subscribe(hub, sink, null, "a");
            List<Event> published = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                published.add(publish(hub, "a", "{}"));
            }
            sink.awaitEvents(500);
            assertEquals(ids(published), sink.eventIds());
            sink.assertNoViolations();
        } finally {
            completer.shutdown();
            assertTrue(completer.awaitTermination(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void nothingIsWrittenUntilTheSinkSaysItIsWritableAgain() {
        Hub hub = hub();
        TestSink sink = TestSink.notWritable();
        Subscriber subscriber = subscribe(hub, sink, null, "a").subscriber();
        List<Event> published = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            published.add(publish(hub, "a", "{}"));
        }
        // a spurious wake-up while the sink still cannot write changes nothing
        subscriber.writePossible();
        Await.staysTrue(() -> sink.writes() == 0 && sink.flushes() == 0, Duration.ofMillis(100), "no write");
        assertEquals(20, subscriber.queuedEvents());
        sink.makeWritable();
        sink.awaitEvents(20);
        assertEquals(ids(published), sink.eventIds());
        assertEquals(0, subscriber.queuedEvents());
        sink.assertNoViolations();
    }

    @Test
    void anIdleConnectionGetsHeartbeats() {
        // tick = max(50 ms, min(5 s, 100 ms) / 4) = 50 ms
        Hub hub = hub(settings().withTimings(Duration.ofSeconds(5), Duration.ofMillis(100)));
        TestSink sink = TestSink.sync();
        long start = System.nanoTime();
        subscribe(hub, sink, null, "quiet");
        sink.awaitItems(1);
        long firstAfterMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Signal.HEARTBEAT, sink.items().get(0));
        assertTrue(firstAfterMillis >= 100, "not before the interval: " + firstAfterMillis + " ms");
        sink.awaitItems(2);
        assertEquals(List.of(Signal.HEARTBEAT, Signal.HEARTBEAT), sink.items().subList(0, 2));
        // events still flow normally in between
        Event event = publish(hub, "quiet", "{}");
        Await.until(() -> sink.events().contains(event), "event after heartbeats");
        assertFalse(sink.subscriber.isClosed());
        sink.assertNoViolations();
    }

    @Test
    void aWriteThatNeverCompletesIsClosedAfterTheWriteTimeout() {
        Hub hub = hub(settings().withTimings(Duration.ofMillis(150), Duration.ofSeconds(10)));
        TestSink sink = TestSink.async();
        Subscriber subscriber = subscribe(hub, sink, null, "a").subscriber();
        // the announcement is the first write; completing it in time keeps the connection alive
        sink.completeAnnouncement("a");
        long start = System.nanoTime();
        Event event = publish(hub, "a", "{}");
        Await.until(() -> sink.writes() == 2, "event write started");
        Await.until(() -> sink.closedWith() != null, Duration.ofSeconds(3), "closed by the write timeout");
        long afterMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(CloseReason.WRITE_TIMEOUT, sink.closedWith());
        assertTrue(afterMillis >= 150, "not before the timeout: " + afterMillis + " ms");
        assertTrue(subscriber.isClosed());
        // the ticker unregisters the subscriber right after marking it closed, possibly after the sink saw the close
        Await.until(() -> hub.connectionCount() == 0, "subscriber removed from the hub");
        Await.until(() -> metrics.closedCount(CloseReason.WRITE_TIMEOUT) == 1, "closed counted as write timeout");
        assertEquals(1, metrics.closedTotal());
        assertEquals(List.of(event), sink.events());
        assertEquals(List.of(new Signal.Subscribed(List.of("a")), event), sink.written());
        // the write completing late changes nothing
        publish(hub, "a", "{}");
        sink.completeOne();
        Await.staysTrue(() -> sink.writes() == 2, Duration.ofMillis(50), "nothing written after close");
        assertEquals(1, sink.closeCalls());
        sink.assertNoViolations();
    }

    @Test
    void aClientThatStopsReadingIsClosedAfterTheWriteTimeout() {
        Hub hub = hub(settings().withTimings(Duration.ofMillis(150), Duration.ofSeconds(10)));
        TestSink sink = TestSink.notWritable();
        subscribe(hub, sink, null, "a");
        publish(hub, "a", "{}");
        Await.until(() -> sink.closedWith() != null, Duration.ofSeconds(3), "closed by the write timeout");
        assertEquals(CloseReason.WRITE_TIMEOUT, sink.closedWith());
        assertEquals(0, sink.writes());
        Await.until(() -> hub.connectionCount() == 0, "subscriber removed from the hub");
        Await.until(() -> metrics.closedCount(CloseReason.WRITE_TIMEOUT) == 1, "closed counted as write timeout");
        assertEquals(1, metrics.closedTotal());
    }

    @Test
    void anIdleButHealthyConnectionIsNotTimedOut() {
        Hub hub = hub(settings().withTimings(Duration.ofMillis(100), Duration.ofSeconds(10)));
        TestSink sink = TestSink.sync();
        Subscriber subscriber = subscribe(hub, sink, null, "a").subscriber();
        publish(hub, "a", "{}");
        sink.awaitEvents(1);
        Await.staysTrue(() -> !subscriber.isClosed(), Duration.ofMillis(400), "still open");
        assertNull(sink.closedWith());
        assertEquals(1, hub.connectionCount());
    }

    @Test
    void aFailedAsynchronousWriteClosesTheSubscriberAsClientGone() {
        Hub hub = hub();
        TestSink sink = TestSink.async();
        Subscriber subscriber = subscribe(hub, sink, null, "a").subscriber();
        sink.completeAnnouncement("a");
        publish(hub, "a", "{}");
        Await.until(() -> sink.writes() == 2, "event write started");
        subscriber.writeFailed(new IOException("broken pipe"));
        sink.awaitClosed();
        assertEquals(CloseReason.CLIENT_GONE, sink.closedWith());
        assertTrue(subscriber.isClosed());
        assertEquals(0, hub.connectionCount());
        assertEquals(1, metrics.closedCount(CloseReason.CLIENT_GONE));
        // a second report of the same failure is not counted again
        subscriber.writeFailed(new IOException("again"));
        hub.close(subscriber, CloseReason.SHUTDOWN);
        assertEquals(1, metrics.closedTotal());
        assertEquals(1, sink.closeCalls());
    }

    @Test
    void aWriteThatThrowsClosesTheSubscriberAsClientGone() {
        Hub hub = hub();
        TestSink sink = TestSink.sync();
        Subscriber subscriber = subscribe(hub, sink, null, "a").subscriber();
        sink.awaitAnnouncement("a"); // so that the event's write is the one that throws
        sink.throwOnWrite(new UncheckedIOException(new IOException("broken pipe")));
        publish(hub, "a", "{}");
        Await.until(subscriber::isClosed, "closed after the failed write");
        // the hub unregisters right after marking the subscriber closed (it may wait for the publisher's lock)
        Await.until(() -> hub.connectionCount() == 0, "subscriber removed from the hub");
        Await.until(() -> metrics.closedCount(CloseReason.CLIENT_GONE) == 1, "closed counted as client gone");
        assertEquals(1, metrics.closedTotal());
    }

    @Test
    void aWriteThatThrowsStillClosesTheSink() {
        Hub hub = hub();
        TestSink sink = TestSink.sync();
        subscribe(hub, sink, null, "a");
        sink.awaitAnnouncement("a"); // so that the event's write is the one that throws
        sink.throwOnWrite(new UncheckedIOException(new IOException("broken pipe")));
        publish(hub, "a", "{}");
        sink.awaitClosed();
        assertEquals(CloseReason.CLIENT_GONE, sink.closedWith());
    }

    @Test
    void aCloseDuringAnAsynchronousWriteStillClosesTheSink() throws InterruptedException {
        Hub hub = hub();
        TestSink sink = TestSink.async();
        Subscriber subscriber = subscribe(hub, sink, null, "a").subscriber();
        // the initial drain writes the announcement, then flushes once that write has completed
        sink.completeAnnouncement("a");
        Await.until(() -> sink.flushes() >= 1, "initial drain done");
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        sink.beforeWrite(item -> {
            writing.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            publish(hub, "a", "{}");
            assertTrue(writing.await(5, TimeUnit.SECONDS), "write started");
            hub.close(subscriber, CloseReason.SLOW_CONSUMER); // e.g. a publisher's overflow, or shutdown
        } finally {
            release.countDown();
        }
        sink.awaitClosed();
        assertEquals(CloseReason.SLOW_CONSUMER, sink.closedWith());
        assertEquals(2, sink.writes(), "the announcement and the event being written");
        sink.assertNoViolations();
    }

    @Test
    void closingTheHubClosesEverySinkWithShutdownAndRefusesNewWork() {
        Hub hub = hub();
        TestSink sync = TestSink.sync();
        TestSink stalled = TestSink.notWritable();
        TestSink pending = TestSink.async();
        subscribe(hub, sync, null, "a");
        subscribe(hub, stalled, null, "a");
        subscribe(hub, pending, null, "a");
        pending.completeAnnouncement("a");
        publish(hub, "a", "{}");
        Await.until(() -> pending.writes() == 2, "async event write in flight");
        assertEquals(3, hub.connectionCount());
        hub.close();
        for (TestSink sink : List.of(sync, stalled, pending)) {
            sink.awaitClosed();
            assertEquals(CloseReason.SHUTDOWN, sink.closedWith());
            assertEquals(1, sink.closeCalls());
            sink.assertNoViolations();
        }
        assertEquals(0, hub.connectionCount());
        assertEquals(3, metrics.closedCount(CloseReason.SHUTDOWN));
        hub.log().close();
        HubException publish = assertThrows(HubException.class, () -> publish(hub, "a", "{}"));
        assertEquals(HubException.Reason.CLOSED, publish.reason());
        HubException subscribe = assertThrows(HubException.class,
                () -> hub.subscribe(List.of("a"), null, TestSink.sync()));
        assertEquals(HubException.Reason.CLOSED, subscribe.reason());
    }

    @Test
    void closingASubscriberTwiceClosesItsSinkOnceAndCountsOnce() {
        Hub hub = hub();
        TestSink sink = TestSink.sync();
        Subscriber subscriber = subscribe(hub, sink, null, "a", "b").subscriber();
        hub.close(subscriber, CloseReason.BAD_REQUEST);
        hub.close(subscriber, CloseReason.CLIENT_GONE);
        sink.awaitClosed();
        assertEquals(CloseReason.BAD_REQUEST, sink.closedWith());
        Await.staysTrue(() -> sink.closeCalls() == 1, Duration.ofMillis(50), "one close");
        assertEquals(1, metrics.closedTotal());
        assertEquals(1, metrics.closedCount(CloseReason.BAD_REQUEST));
        assertEquals(0, hub.connectionCount());
        assertNull(hub.topicInfo("a"), "unused topic forgotten");
        // at most the announcement may have gone out before the close; no event after it
        int writesAtClose = sink.writes();
        assertTrue(writesAtClose <= 1, "only the announcement before the close");
        publish(hub, "a", "{}");
        Await.staysTrue(() -> sink.writes() == writesAtClose, Duration.ofMillis(50), "nothing after close");
        assertEquals(List.of(), sink.events());
    }

    @Test
    void topicsCanBeAddedAndRemovedOnALiveSubscription() {
        Hub hub = hub();
        TestSink sink = TestSink.sync();
        Subscriber subscriber = subscribe(hub, sink, null, "a").subscriber();
        publish(hub, "b", "{\"before\":true}");
        Event a1 = publish(hub, "a", "{}");
        hub.addTopics(subscriber, List.of("b", "a"));
        assertEquals(List.of("a", "b"), subscriber.topics());
        assertEquals(1, hub.topicInfo("b").subscribers());
        Event b1 = publish(hub, "b", "{}");
        hub.removeTopics(subscriber, List.of("a", "never-subscribed"));
        assertEquals(List.of("b"), subscriber.topics());
        assertEquals(0, hub.topicInfo("a").subscribers());
        publish(hub, "a", "{\"after\":true}");
        Event b2 = publish(hub, "b", "{}");
        sink.awaitEvents(3);
        assertEquals(List.of(a1, b1, b2), sink.events(), "b's earlier event is not replayed, a's later one not sent");
        hub.close(subscriber, CloseReason.CLIENT_GONE);
        hub.addTopics(subscriber, List.of("c")); // ignored on a closed subscriber
        assertEquals(0, hub.topicInfo("b").subscribers());
        assertNull(hub.topicInfo("c"));
    }

    @Test
    void heartbeatIsASignalBetweenEventsNotInsteadOfThem() {
        Hub hub = hub(settings().withTimings(Duration.ofSeconds(5), Duration.ofMillis(100)));
        TestSink sink = TestSink.notWritable();
        subscribe(hub, sink, null, "a");
        Event event = publish(hub, "a", "{}");
        sink.makeWritable();
        sink.awaitItems(2);
        // the queued event goes first; a heartbeat only when the queue is empty
        assertEquals(event, sink.items().get(0));
        assertInstanceOf(Signal.Heartbeat.class, sink.items().get(1));
    }

    @Test
    void aPeerThatLeavesAPingUnansweredIsClosedAfterThePongTimeout() {
        Hub hub = hub(settings().withTimings(Duration.ofSeconds(5), Duration.ofMillis(100))
                .withPongTimeout(Duration.ofMillis(300)));
        TestSink sink = TestSink.sync().answeringHeartbeats();
        long start = System.nanoTime();
        Subscriber subscriber = subscribe(hub, sink, null, "a").subscriber();
        Await.until(() -> sink.closedWith() != null, Duration.ofSeconds(3), "closed as pong-timeout");
        long afterMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(CloseReason.PONG_TIMEOUT, sink.closedWith());
        assertTrue(afterMillis >= 400, "after the interval plus the deadline: " + afterMillis + " ms");
        assertTrue(subscriber.isClosed());
        Await.until(() -> metrics.closedCount(CloseReason.PONG_TIMEOUT) == 1, "counted as pong-timeout");
        Await.until(() -> hub.connectionCount() == 0, "forgotten");
    }

    @Test
    void answeredPingsKeepTheConnectionAndGoEvenWhileEventsFlow() {
        Hub hub = hub(settings().withTimings(Duration.ofSeconds(5), Duration.ofMillis(100))
                .withPongTimeout(Duration.ofMillis(300)));
        TestSink sink = TestSink.sync().answeringHeartbeats();
        sink.beforeWrite(item -> {
            if (item instanceof Signal.Heartbeat) {
                sink.subscriber.heartbeatAnswered();
            }
        });
        subscribe(hub, sink, null, "a");
        long until = System.nanoTime() + 1_500_000_000L;
        int published = 0;
        while (System.nanoTime() < until) {
            // an event every 20 ms: never quiet for an interval, so only a ping the peer answers keeps it open
            publish(hub, "a", "{}");
            published++;
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // pacing the publisher, not waiting for the hub
        }
        int events = published;
        Await.until(() -> sink.events().size() == events, "every event");
        long pings = sink.items().stream().filter(item -> item instanceof Signal.Heartbeat).count();
        assertTrue(pings >= 5, "pings every interval although events flow: " + pings);
        assertEquals(null, sink.closedWith());
        sink.assertNoViolations();
    }
}
