package dev.herald.hub;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A client that stops reading: the queue stays bounded and the topic's overflow policy decides. */
class OverflowPolicyTest extends HubTestSupport {

    private Hub hub(int queueEvents, long queueBytes, String policies) {
        return hub(settings().withQueue(queueEvents, queueBytes).withPolicies(TopicPolicies.parse(policies)));
    }

    private static Event price(Hub hub, String topic, String symbol, int n) {
        return publish(hub, new EventLog.Append(topic, "{\"symbol\":\"" + symbol + "\",\"n\":" + n + "}", symbol, null, null, null));
    }

    // ---------------------------------------------------------------- drop-oldest

    @Test
    void dropOldestNeverLetsTheQueueExceedItsEventBound() {
        Hub hub = hub(3, 1L << 20, "*=drop-oldest");
        TestSink sink = TestSink.notWritable();
        Subscriber subscriber = subscribe(hub, sink, null, "t").subscriber();
        List<Event> published = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            published.add(publish(hub, "t", "{\"i\":" + i + "}"));
            assertEquals(Math.min(i + 1, 3), subscriber.queuedEvents(), "queued after publish " + i);
        }
        assertTrue(metrics.maxQueueDepth.get() <= 3, "reported depth " + metrics.maxQueueDepth.get());
        assertEquals(7, metrics.droppedCount("drop-oldest"));
        assertEquals(0, sink.writes(), "nothing written while the client does not read");

        sink.makeWritable();
        sink.awaitItems(4);
        assertEquals(List.of(new Signal.Dropped("t", 7), published.get(7), published.get(8), published.get(9)),
                sink.items());
        assertFalse(subscriber.isClosed());
        assertEquals(0, metrics.closedTotal());
        sink.assertNoViolations();
    }

    @Test
    void dropOldestNeverLetsTheQueueExceedItsByteBound() {
        long maxBytes = 350;
        Hub hub = hub(1000, maxBytes, "*=drop-oldest");
        TestSink sink = TestSink.notWritable();
        Subscriber subscriber = subscribe(hub, sink, null, "t").subscriber();
        Deque<Event> model = new ArrayDeque<>();
        long modelBytes = 0;
        int modelDropped = 0;
        Random random = new Random(11);
        int[] sizes = {25, 75, 175}; // 50, 100 and 200 bytes with topic and overhead
        for (int i = 0; i < 60; i++) {
            Event event = publish(hub, "t", payload(sizes[random.nextInt(sizes.length)]));
            while (!model.isEmpty() && modelBytes + event.sizeBytes() > maxBytes) {
                modelBytes -= model.removeFirst().sizeBytes();
                modelDropped++;
            }
            model.addLast(event);
            modelBytes += event.sizeBytes();
            assertTrue(modelBytes <= maxBytes);
            assertEquals(model.size(), subscriber.queuedEvents(), "queued after publish " + i);
        }
        assertEquals(modelDropped, metrics.droppedCount("drop-oldest"));

        sink.makeWritable();
        sink.awaitItems(model.size() + 1);
        List<Object> expected = new ArrayList<>();
        expected.add(new Signal.Dropped("t", modelDropped));
        expected.addAll(model);
        assertEquals(expected, sink.items());
        assertTrue(sink.events().stream().mapToLong(Event::sizeBytes).sum() <= maxBytes);
    }

    @Test
    void droppedSignalsNameEachTopicWithItsCountBeforeTheRemainingEvents() {
        Hub hub = hub(2, 1L << 20, "*=drop-oldest");
        TestSink sink = TestSink.notWritable();
        subscribe(hub, sink, null, "a", "b");
        publish(hub, "a", "{}");
        publish(hub, "a", "{}");
        publish(hub, "b", "{}"); // drops a1
        Event b4 = publish(hub, "b", "{}"); // drops a2
        Event a5 = publish(hub, "a", "{}"); // drops b3
        sink.makeWritable();
        sink.awaitItems(4);
        assertEquals(List.of(new Signal.Dropped("a", 2), new Signal.Dropped("b", 1), b4, a5), sink.items());
        assertEquals(3, metrics.droppedCount("drop-oldest"));
    }

    @Test
    void theDroppedSignalSitsExactlyWhereTheGapIs() {
        Hub hub = hub(2, 1L << 20, "*=drop-oldest");
        TestSink sink = TestSink.sync();
        subscribe(hub, sink, null, "t");
        Event e1 = publish(hub, "t", "{}");
        sink.awaitEvents(1);
        sink.makeUnwritable();
        List<Event> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            later.add(publish(hub, "t", "{}"));
        }
        Await.until(() -> sink.subscriber.queuedEvents() == 2, "two queued");
        sink.makeWritable();
        sink.awaitItems(4);
        Event e7 = publish(hub, "t", "{}");
        sink.awaitItems(5);
        assertEquals(List.of(e1, new Signal.Dropped("t", 3), later.get(3), later.get(4), e7), sink.items());
    }

    // ---------------------------------------------------------------- conflate

    @Test
    void conflateKeepsTheNewestEventPerKeyAndOtherEventsInIdOrder() {
        Hub hub = hub(4, 1L << 20, "prices=conflate:symbol,*=drop-oldest");
        TestSink sink = TestSink.notWritable();
        Subscriber subscriber = subscribe(hub, sink, null, "prices", "news").subscriber();
        publish(hub, "news", "{\"n\":1}");
        price(hub, "prices", "AAA", 2);
        price(hub, "prices", "BBB", 3);
        Event ccc4 = price(hub, "prices", "CCC", 4);
        Event aaa5 = price(hub, "prices", "AAA", 5); // full: replaces AAA@2
        assertEquals(4, subscriber.queuedEvents());
        Event news6 = publish(hub, "news", "{\"n\":6}"); // full, news drops its oldest: news@1
        Event bbb7 = price(hub, "prices", "BBB", 7); // full: replaces BBB@3, news@6 is kept
        assertEquals(4, subscriber.queuedEvents());
        assertEquals(2, metrics.droppedCount("conflated"));
        assertEquals(1, metrics.droppedCount("drop-oldest"));

        sink.makeWritable();
        sink.awaitItems(5);
        assertEquals(List.of(new Signal.Dropped("news", 1), ccc4, aaa5, news6, bbb7), sink.items());
        List<Long> sequences = sink.events().stream().map(Event::sequence).toList();
        for (int i = 1; i < sequences.size(); i++) {
            assertTrue(sequences.get(i) > sequences.get(i - 1), "ids stay increasing: " + sequences);
        }
    }

    @Test
    void conflateFallsBackToDropOldestWhenNoEventWithTheSameKeyIsQueued() {
        Hub hub = hub(3, 1L << 20, "prices=conflate:symbol");
        TestSink sink = TestSink.notWritable();
        subscribe(hub, sink, null, "prices");
        price(hub, "prices", "AAA", 1);
        Event bbb = price(hub, "prices", "BBB", 2);
        Event ccc = price(hub, "prices", "CCC", 3);
        Event ddd = price(hub, "prices", "DDD", 4); // no queued DDD: drops AAA
        assertEquals(1, metrics.droppedCount("drop-oldest"));
        Event keyless = publish(hub, "prices", "{\"n\":5}"); // no key at all: drops BBB
        assertEquals(2, metrics.droppedCount("drop-oldest"));
        assertEquals(0, metrics.droppedCount("conflated"));
        sink.makeWritable();
        sink.awaitItems(4);
        assertEquals(List.of(new Signal.Dropped("prices", 2), ccc, ddd, keyless), sink.items());
        assertTrue(bbb.sequence() < ccc.sequence());
    }

    @Test
    void conflateOnlyActsOnAFullQueue() {
        Hub hub = hub(10, 1L << 20, "prices=conflate:symbol");
        TestSink sink = TestSink.notWritable();
        subscribe(hub, sink, null, "prices");
        Event first = price(hub, "prices", "AAA", 1);
        Event second = price(hub, "prices", "AAA", 2);
        sink.makeWritable();
        sink.awaitItems(2);
        assertEquals(List.of(first, second), sink.items());
        assertEquals(0, metrics.droppedCount("conflated"));
    }

    @Test
    void conflateOnlyReplacesTheSameKeyOfTheSameTopic() {
        Hub hub = hub(2, 1L << 20, "prices.*=conflate:symbol");
        TestSink sink = TestSink.notWritable();
        subscribe(hub, sink, null, "prices.us", "prices.eu");
        price(hub, "prices.us", "AAA", 1);
        Event eu = price(hub, "prices.eu", "AAA", 2);
        Event us = price(hub, "prices.us", "AAA", 3); // replaces prices.us AAA@1, not prices.eu AAA@2
        sink.makeWritable();
        sink.awaitItems(2);
        assertEquals(List.of(eu, us), sink.items());
        assertEquals(1, metrics.droppedCount("conflated"));
        assertEquals(0, metrics.droppedCount("drop-oldest"));
    }

    // ---------------------------------------------------------------- disconnect

    @Test
    void disconnectClosesTheSlowConsumerWithAReasonAndCountsIt() {
        Hub hub = hub(2, 1L << 20, "alerts=disconnect");
        TestSink sink = TestSink.notWritable();
        Subscriber subscriber = subscribe(hub, sink, null, "alerts").subscriber();
        publish(hub, "alerts", "{}");
        publish(hub, "alerts", "{}");
        assertFalse(subscriber.isClosed(), "a full queue is not yet an overflow");
        assertEquals(1, hub.connectionCount());
        publish(hub, "alerts", "{}");
        assertTrue(subscriber.isClosed());
        sink.awaitClosed();
        assertEquals(CloseReason.SLOW_CONSUMER, sink.closedWith());
        assertEquals(1, sink.closeCalls());
        assertEquals(0, hub.connectionCount());
        assertEquals(0, hub.topicInfo("alerts").subscribers());
        assertEquals(1, metrics.closedCount(CloseReason.SLOW_CONSUMER));
        assertEquals(1, metrics.closedTotal());
        assertEquals(0, metrics.droppedCount("drop-oldest"), "nothing is dropped silently");
        assertEquals(3, metrics.droppedCount("disconnect"), "the two queued events and the one that did not fit");
        publish(hub, "alerts", "{}");
        assertEquals(0, sink.writes());
        assertEquals(1, metrics.closedTotal(), "closed once");
        sink.assertNoViolations();
    }

    @Test
    void aQueuedEventOfADisconnectTopicIsNeverDroppedToMakeRoom() {
        Hub hub = hub(2, 1L << 20, "alerts=disconnect,*=drop-oldest");
        TestSink sink = TestSink.notWritable();
        Subscriber subscriber = subscribe(hub, sink, null, "alerts", "news").subscriber();
        publish(hub, "alerts", "{}");
        publish(hub, "news", "{}");
        publish(hub, "news", "{}"); // drop-oldest would have to drop the alert: disconnect instead
        assertTrue(subscriber.isClosed());
        sink.awaitClosed();
        assertEquals(CloseReason.SLOW_CONSUMER, sink.closedWith());
        assertEquals(0, metrics.droppedCount("drop-oldest"));
        assertEquals(1, metrics.closedCount(CloseReason.SLOW_CONSUMER));
    }

    @Test
    void anIncomingEventOfADisconnectTopicDisconnectsAFullQueue() {
        Hub hub = hub(2, 1L << 20, "alerts=disconnect,*=drop-oldest");
        TestSink sink = TestSink.notWritable();
        Subscriber subscriber = subscribe(hub, sink, null, "alerts", "news").subscriber();
        publish(hub, "news", "{}");
        publish(hub, "news", "{}");
        publish(hub, "alerts", "{}");
        assertTrue(subscriber.isClosed());
        sink.awaitClosed();
        assertEquals(CloseReason.SLOW_CONSUMER, sink.closedWith());
        assertEquals(0, hub.connectionCount());
    }

    @Test
    void disconnectingOneOfSeveralSubscribersDoesNotBreakThePublish() {
        Hub hub = hub(1, 1L << 20, "alerts=disconnect");
        List<TestSink> slow = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            TestSink sink = TestSink.notWritable();
            subscribe(hub, sink, null, "alerts");
            slow.add(sink);
        }
        TestSink fast = TestSink.sync();
        subscribe(hub, fast, null, "alerts");
        Event first = publish(hub, "alerts", "{\"n\":1}");
        fast.awaitEvents(1);
        Event second = assertDoesNotThrow(() -> publish(hub, "alerts", "{\"n\":2}"));
        for (TestSink sink : slow) {
            sink.awaitClosed();
            assertEquals(CloseReason.SLOW_CONSUMER, sink.closedWith());
        }
        fast.awaitEvents(2);
        assertEquals(List.of(first, second), fast.events());
        assertEquals(1, hub.connectionCount());
        assertEquals(4, metrics.closedCount(CloseReason.SLOW_CONSUMER));
    }
}
