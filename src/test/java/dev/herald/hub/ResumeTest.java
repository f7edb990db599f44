package dev.herald.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Resuming from a Last-Event-ID: exact continuation, or a reset signal followed by everything retained. */
class ResumeTest extends HubTestSupport {

    private static List<String> ids(List<Event> events) {
        return events.stream().map(Event::id).toList();
    }

    @Test
    void exactResumeDeliversExactlyTheEventsAfterTheIdThenLiveOnes() {
        Hub hub = hub();
        List<Event> a = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            a.add(publish(hub, "a", "{\"a\":" + i + "}"));
            publish(hub, "b", "{\"b\":" + i + "}");
        }
        TestSink sink = TestSink.sync();
        Hub.Subscription subscription = subscribe(hub, sink, a.get(2).id(), "a");
        assertNull(subscription.reset());
        Event live = publish(hub, "a", "{\"live\":true}");
        sink.awaitEvents(3);
        assertEquals(List.of(a.get(3).id(), a.get(4).id(), live.id()), sink.eventIds());
        assertEquals(List.of(), sink.signals(), "no reset, nothing else");
        assertEquals(1, metrics.resumedCount("exact"));
        assertEquals(0, metrics.resumedCount("reset"));
        sink.assertNoViolations();
    }

    @Test
    void resumingFromTheNewestIdReplaysNothing() {
        Hub hub = hub();
        publish(hub, "a", "{}");
        publish(hub, "a", "{}");
        TestSink sink = TestSink.sync();
        Hub.Subscription subscription = subscribe(hub, sink, log(hub).lastId(), "a");
        assertNull(subscription.reset());
        Event live = publish(hub, "a", "{}");
        sink.awaitEvents(1);
        assertEquals(List.of(live.id()), sink.eventIds());
        assertEquals(1, metrics.resumedCount("exact"));
    }

    @Test
    void resumingFromSequenceZeroOfThisEpochReplaysEverythingWithoutReset() {
        Hub hub = hub();
        Event first = publish(hub, "a", "{}");
        Event second = publish(hub, "a", "{}");
        TestSink sink = TestSink.sync();
        assertNull(subscribe(hub, sink, id(0), "a").reset());
        sink.awaitEvents(2);
        assertEquals(List.of(first.id(), second.id()), sink.eventIds());
        assertEquals(List.of(), sink.signals());
    }

    @Test
    void noLastEventIdMeansLiveOnlyAndIsNotCountedAsAResume() {
        Hub hub = hub();
        publish(hub, "a", "{}");
        TestSink sink = TestSink.sync();
        assertNull(subscribe(hub, sink, null, "a").reset());
        Event live = publish(hub, "a", "{}");
        sink.awaitEvents(1);
        assertEquals(List.of(live.id()), sink.eventIds());
        assertEquals(0, metrics.resumedCount("exact") + metrics.resumedCount("reset"));
    }

    @Test
    void anIdOlderThanTheRetainedHistoryGetsAResetFirstThenEverythingRetained() {
        Hub hub = hub(settings().withHistory(3, 64L << 20, Duration.ofMinutes(5)));
        List<Event> a = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            a.add(publish(hub, "a", "{\"a\":" + i + "}"));
        }
        TestSink sink = TestSink.sync();
        Hub.Subscription subscription = subscribe(hub, sink, a.get(1).id(), "a");
        Signal.Reset expected = new Signal.Reset(List.of("a"), a.get(3).id());
        assertEquals(expected, subscription.reset());
        sink.awaitItems(4);
        assertEquals(List.of(expected, a.get(3), a.get(4), a.get(5)), sink.items());
        assertEquals(1, metrics.resumedCount("reset"));
        assertEquals(0, metrics.resumedCount("exact"));
    }

    @Test
    void resumingFromTheNewestEvictedIdIsStillExact() {
        // the client saw a3; a3 was evicted but everything after it is retained: no gap, no reset
        Hub hub = hub(settings().withHistory(3, 64L << 20, Duration.ofMinutes(5)));
        List<Event> a = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            a.add(publish(hub, "a", "{}"));
        }
        TestSink sink = TestSink.sync();
        assertNull(subscribe(hub, sink, a.get(2).id(), "a").reset());
        sink.awaitEvents(3);
        assertEquals(ids(a.subList(3, 6)), sink.eventIds());
        assertEquals(List.of(), sink.signals());
        assertEquals(1, metrics.resumedCount("exact"));
    }

    @Test
    void anIdFromTheFutureGetsAReset() {
        Hub hub = hub();
        Event a1 = publish(hub, "a", "{}");
        Event a2 = publish(hub, "a", "{}");
        TestSink sink = TestSink.sync();
        Hub.Subscription subscription = subscribe(hub, sink, id(3), "a");
        Signal.Reset expected = new Signal.Reset(List.of("a"), a1.id());
        assertEquals(expected, subscription.reset());
        sink.awaitItems(3);
        assertEquals(List.of(expected, a1, a2), sink.items());
        assertEquals(1, metrics.resumedCount("reset"));
    }

    @Test
    void anUnknownEpochGetsAReset() {
        Hub hub = hub();
        Event a1 = publish(hub, "a", "{}");
        Event a2 = publish(hub, "a", "{}");
        TestSink sink = TestSink.sync();
        // same sequence, other boot: the position means nothing here
        Hub.Subscription subscription = subscribe(hub, sink, "epochB-1", "a");
        Signal.Reset expected = new Signal.Reset(List.of("a"), a1.id());
        assertEquals(expected, subscription.reset());
        sink.awaitItems(3);
        assertEquals(List.of(expected, a1, a2), sink.items());
        assertEquals(1, metrics.resumedCount("reset"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "epochA-", "epochA-x", "epochA--1", "", "-1"})
    void aMalformedIdGetsAReset(String lastEventId) {
        Hub hub = hub();
        Event a1 = publish(hub, "a", "{}");
        Event b2 = publish(hub, "b", "{}");
        TestSink sink = TestSink.sync();
        Hub.Subscription subscription = subscribe(hub, sink, lastEventId, "a", "b");
        Signal.Reset expected = new Signal.Reset(List.of("a", "b"), a1.id());
        assertEquals(expected, subscription.reset());
        sink.awaitItems(3);
        assertEquals(List.of(expected, a1, b2), sink.items());
        assertEquals(1, metrics.resumedCount("reset"));
    }

    @Test
    void aResetOnAnEmptyHistoryHasNoOldestId() {
        Hub hub = hub();
        TestSink sink = TestSink.sync();
        Hub.Subscription subscription = subscribe(hub, sink, "nonsense", "a");
        assertEquals(new Signal.Reset(List.of("a"), null), subscription.reset());
        sink.awaitItems(1);
        assertEquals(List.of(subscription.reset()), sink.items());
    }

    @Test
    void aTopicAddedToTheRequestSinceTheIdIsServedFromThatPositionWithoutReset() {
        Hub hub = hub();
        Event a1 = publish(hub, "a", "{}");
        Event a2 = publish(hub, "a", "{}");
        TestSink sink = TestSink.sync();
        // the client saw a1 while subscribed to a only; now it asks for a and b (b has never had an event)
        assertNull(subscribe(hub, sink, a1.id(), "a", "b").reset());
        Event b3 = publish(hub, "b", "{}");
        sink.awaitEvents(2);
        assertEquals(List.of(a2.id(), b3.id()), sink.eventIds());
        assertEquals(List.of(), sink.signals());
        assertEquals(1, metrics.resumedCount("exact"));
    }

    @Test
    void aTopicAddedSinceTheIdGetsItsEventsPublishedAfterThatPosition() {
        Hub hub = hub();
        Event b1 = publish(hub, "b", "{\"before\":true}");
        Event a2 = publish(hub, "a", "{}");
        Event b3 = publish(hub, "b", "{}");
        Event a4 = publish(hub, "a", "{}");
        TestSink sink = TestSink.sync();
        assertNull(subscribe(hub, sink, a2.id(), "a", "b").reset());
        sink.awaitEvents(2);
        assertEquals(List.of(b3.id(), a4.id()), sink.eventIds(), "b1 is before the position: not replayed");
        assertEquals(List.of(), sink.signals());
        assertEquals(b1.sequence() + 1, a2.sequence());
    }

    @Test
    void resumeOverSeveralTopicsMergesTheirHistoriesInIdOrder() {
        Hub hub = hub();
        Random random = new Random(3);
        List<Event> all = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            all.add(publish(hub, List.of("x", "y", "z", "w").get(random.nextInt(4)), "{\"i\":" + i + "}"));
        }
        Event position = all.get(40);
        List<String> expected = all.stream()
                .filter(e -> e.sequence() > position.sequence() && !e.topic().equals("w"))
                .map(Event::id).toList();
        TestSink sink = TestSink.sync();
        assertNull(subscribe(hub, sink, position.id(), "z", "x", "y").reset());
        sink.awaitEvents(expected.size());
        assertEquals(expected, sink.eventIds());
    }

    @Test
    void onlyTopicsWithAGapAreNamedInTheReset() {
        Hub hub = hub(settings().withHistory(2, 64L << 20, Duration.ofMinutes(5)));
        Event b1 = publish(hub, "b", "{}");
        List<Event> a = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            a.add(publish(hub, "a", "{}"));
        }
        Event c7 = publish(hub, "c", "{}");
        Event c8 = publish(hub, "c", "{}");
        Event c9 = publish(hub, "c", "{}");
        Event b10 = publish(hub, "b", "{}");
        TestSink sink = TestSink.sync();
        // position b1: topic a lost a2..a4 and c lost c7 since; b lost nothing after b1
        Hub.Subscription subscription = subscribe(hub, sink, b1.id(), "c", "b", "a");
        Signal.Reset expected = new Signal.Reset(List.of("c", "a"), a.get(3).id());
        assertEquals(expected, subscription.reset(), "oldest is the oldest retained id of the gapped topics");
        sink.awaitItems(6);
        assertEquals(List.of(expected, a.get(3), a.get(4), c8, c9, b10), sink.items());
        assertEquals(c7.sequence() + 1, c8.sequence());
    }

    @Test
    void aTopicForgottenAfterItsHistoryExpiredStillGetsAReset() {
        // b's events are evicted by the byte bound and b has no subscriber, so the hub forgets b entirely;
        // resuming b from before the eviction must not be a silent gap
        Hub hub = hub(settings().withHistory(1000, 300, Duration.ofMinutes(5)));
        Event b1 = publish(hub, "b", payload(75));
        publish(hub, "b", payload(75));
        for (int i = 0; i < 3; i++) {
            publish(hub, "a", payload(75));
        }
        assertNull(hub.topicInfo("b"), "test assumption: b is forgotten");
        TestSink sink = TestSink.sync();
        Hub.Subscription subscription = subscribe(hub, sink, b1.id(), "b");
        assertEquals(new Signal.Reset(List.of("b"), null), subscription.reset());
        Event b6 = publish(hub, "b", "{}");
        sink.awaitItems(2);
        assertEquals(List.of(subscription.reset(), b6), sink.items());
    }

    @Test
    void replayAndLiveEventsOfAStalledClientArriveOnceInOrderAfterTheReset() {
        Hub hub = hub(settings().withHistory(2, 64L << 20, Duration.ofMinutes(5)));
        Event a1 = publish(hub, "a", "{}");
        publish(hub, "a", "{}");
        Event a3 = publish(hub, "a", "{}");
        Event a4 = publish(hub, "a", "{}");
        TestSink sink = TestSink.notWritable();
        Hub.Subscription subscription = subscribe(hub, sink, a1.id(), "a");
        assertEquals(new Signal.Reset(List.of("a"), a3.id()), subscription.reset());
        Event a5 = publish(hub, "a", "{}");
        Event a6 = publish(hub, "a", "{}");
        Await.until(() -> sink.subscriber.queuedEvents() == 4, "replay and live queued");
        assertEquals(0, sink.writes());
        sink.makeWritable();
        sink.awaitItems(5);
        assertEquals(subscription.reset(), sink.items().get(0));
        assertEquals(ids(List.of(a3, a4, a5, a6)), sink.eventIds());
        assertEquals(5, sink.items().size());
    }
}
