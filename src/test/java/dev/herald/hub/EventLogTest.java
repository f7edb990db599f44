package dev.herald.hub;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-memory event log: ids, ordering and the history bounds (count per topic, bytes overall, age). */
class EventLogTest extends HubTestSupport {

    @Test
    void idsAreEpochDashSequenceStrictlyIncreasingAcrossTopics() {
        Hub hub = hub();
        assertEquals(EPOCH, log(hub).epoch());
        assertNull(log(hub).lastId(), "no id before the first publish");
        String[] topics = {"a", "b", "c"};
        long previous = 0;
        for (int i = 1; i <= 30; i++) {
            Event event = publish(hub, topics[i % 3], "{\"n\":" + i + "}");
            assertEquals(EPOCH + "-" + i, event.id());
            assertEquals(id(event.sequence()), event.id());
            assertTrue(event.sequence() > previous, "strictly increasing");
            previous = event.sequence();
            assertEquals(event.id(), log(hub).lastId());
            assertEquals(event.id(), hub.topicInfo(topics[i % 3]).lastId());
        }
    }

    @Test
    void aMultiTopicSubscriberReceivesEventsInIdOrder() {
        Hub hub = hub();
        TestSink sink = TestSink.sync();
        subscribe(hub, sink, null, "a", "b", "c");
        TestSink onlyB = TestSink.sync();
        subscribe(hub, onlyB, null, "b");
        List<String> expected = new ArrayList<>();
        List<String> expectedB = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            String topic = List.of("a", "b", "c", "other").get(random.nextInt(4));
            Event event = publish(hub, topic, "{\"i\":" + i + "}");
            if (!topic.equals("other")) {
                expected.add(event.id());
            }
            if (topic.equals("b")) {
                expectedB.add(event.id());
            }
        }
        sink.awaitEvents(expected.size());
        onlyB.awaitEvents(expectedB.size());
        assertEquals(expected, sink.eventIds());
        assertEquals(expectedB, onlyB.eventIds());
        assertEquals(List.of(), sink.signals());
        sink.assertNoViolations();
        onlyB.assertNoViolations();
    }

    @Test
    void eventsQueuedForAStalledClientStillArriveInIdOrder() {
        Hub hub = hub();
        TestSink sink = TestSink.notWritable();
        subscribe(hub, sink, null, "x", "y");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            expected.add(publish(hub, i % 3 == 0 ? "x" : "y", "{}").id());
        }
        Await.until(() -> sink.subscriber.queuedEvents() == 40, "all 40 queued");
        assertEquals(0, sink.writes());
        sink.makeWritable();
        sink.awaitEvents(40);
        assertEquals(expected, sink.eventIds());
        sink.assertNoViolations();
    }

    @Test
    void perTopicCountBoundKeepsTheNewestEventsOfEachTopic() {
        Hub hub = hub(settings().withHistory(3, 64L << 20, Duration.ofMinutes(5)));
        List<Event> a = new ArrayList<>();
        List<Event> b = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            a.add(publish(hub, "a", "{\"a\":" + i + "}"));
            if (i < 2) {
                b.add(publish(hub, "b", "{\"b\":" + i + "}"));
            }
        }
        Hub.TopicInfo infoA = hub.topicInfo("a");
        assertEquals(3, infoA.retainedEvents());
        assertEquals(a.get(4).id(), infoA.oldestId());
        assertEquals(a.get(6).id(), infoA.lastId());
        assertEquals(a.get(4).sizeBytes() + a.get(5).sizeBytes() + a.get(6).sizeBytes(), infoA.retainedBytes());
        Hub.TopicInfo infoB = hub.topicInfo("b");
        assertEquals(2, infoB.retainedEvents(), "other topics keep their own quota");
        assertEquals(b.get(0).id(), infoB.oldestId());
        assertEquals(5, hub.retainedEvents());
        assertEquals(infoA.retainedBytes() + infoB.retainedBytes(), hub.retainedBytes());

        // what a reset replays is exactly what is retained
        TestSink sink = TestSink.sync();
        subscribe(hub, sink, "unknown-1", "a", "b");
        sink.awaitEvents(5);
        assertEquals(List.of(b.get(0).id(), b.get(1).id(), a.get(4).id(), a.get(5).id(), a.get(6).id()),
                sink.eventIds());
    }

    @Test
    void utf8LengthMatchesTheEncoderForEveryKindOfCharacter() {
        for (String text : List.of("", "ascii", "caf\u00e9", "\u20ac100", "\ud83d\ude00 smile", "mixed \u00e9\u20ac\ud83d\ude00x")) {
            assertEquals(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, Event.utf8Length(text), text);
        }
    }

    @Test
    void sizeCountsUtf8BytesOfTheDataPlusTopicAndIdOverhead() {
        Hub hub = hub();
        Event ascii = publish(hub, "topic", "\"ab\"");
        Event accented = publish(hub, "topic", "\"éé\"");
        assertEquals(ascii.sizeBytes() + 2, accented.sizeBytes(), "é is two bytes in UTF-8");
        assertTrue(ascii.sizeBytes() > 4 + "topic".length(), "topic and id are counted too");
        assertEquals(ascii.sizeBytes() + accented.sizeBytes(), hub.retainedBytes());
    }

    @Test
    void byteBoundEvictsTheGloballyOldestEventWhateverItsTopic() {
        Hub hub = hub(settings().withHistory(1000, 350, Duration.ofMinutes(5)));
        Event a1 = publish(hub, "a", payload(75));
        assertEquals(100, a1.sizeBytes(), "test assumption: 75 + 1 + 24 bytes");
        Event b2 = publish(hub, "b", payload(75));
        Event a3 = publish(hub, "a", payload(75));
        assertEquals(300, hub.retainedBytes());
        Event c4 = publish(hub, "c", payload(75));
        // 400 > 350: the oldest event of all (a1) goes, not the oldest of the publishing topic
        assertEquals(300, hub.retainedBytes());
        assertEquals(a3.id(), hub.topicInfo("a").oldestId());
        assertEquals(1, hub.topicInfo("a").retainedEvents());
        assertEquals(b2.id(), hub.topicInfo("b").oldestId());
        Event a5 = publish(hub, "a", payload(75));
        // now b2 is globally oldest although topic a holds more events
        assertNull(hub.topicInfo("b"), "b lost its only event and has no subscriber: forgotten");
        assertEquals(List.of(a3.id(), a5.id()), List.of(hub.topicInfo("a").oldestId(), hub.topicInfo("a").lastId()));
        assertEquals(2, hub.topicInfo("a").retainedEvents());
        assertEquals(c4.id(), hub.topicInfo("c").oldestId());
        // one big event pushes out several small ones, oldest first: a3, then c4
        Event d6 = publish(hub, "d", payload(225));
        assertEquals(2, hub.retainedEvents(), "a5 and the 250-byte event");
        assertEquals(350, hub.retainedBytes());
        assertNull(hub.topicInfo("c"));
        assertEquals(a5.id(), hub.topicInfo("a").oldestId());
        assertEquals(d6.id(), hub.topicInfo("d").oldestId());
        assertEquals(2, hub.topicCount(), "a and d");
    }

    @Test
    void byteBoundMatchesAModelOfGlobalOldestFirstEviction() {
        long maxBytes = 2_000;
        Hub hub = hub(settings().withHistory(1000, maxBytes, Duration.ofMinutes(5)));
        String[] topics = {"t0", "t1", "t2", "t3"};
        TestSink keepAlive = TestSink.sync();
        subscribe(hub, keepAlive, null, topics); // keeps empty topics known, so topicInfo is never null
        List<Event> published = new ArrayList<>();
        Random random = new Random(42);
        for (int i = 0; i < 300; i++) {
            published.add(publish(hub, topics[random.nextInt(topics.length)], payload(10 + random.nextInt(150))));
            // model: the retained events are the longest suffix of all events that fits the byte bound
            long bytes = 0;
            int first = published.size();
            while (first > 0 && bytes + published.get(first - 1).sizeBytes() <= maxBytes) {
                bytes += published.get(--first).sizeBytes();
            }
            List<Event> retained = published.subList(first, published.size());
            assertEquals(bytes, hub.retainedBytes(), "bytes after publish " + i);
            assertEquals(retained.size(), hub.retainedEvents(), "events after publish " + i);
            assertTrue(hub.retainedBytes() <= maxBytes);
            for (String topic : topics) {
                List<Event> ofTopic = retained.stream().filter(e -> e.topic().equals(topic)).toList();
                Hub.TopicInfo info = hub.topicInfo(topic);
                assertEquals(ofTopic.size(), info.retainedEvents(), topic + " after publish " + i);
                assertEquals(ofTopic.isEmpty() ? null : ofTopic.get(0).id(), info.oldestId(), topic);
                assertEquals(ofTopic.stream().mapToLong(Event::sizeBytes).sum(), info.retainedBytes(), topic);
            }
        }
    }

    @Test
    void ageBoundEvictsOnTheNextPublishOnceTheAgeHasPassed() {
        Hub hub = hub(settings().withHistory(1000, 64L << 20, Duration.ofMillis(50)));
        Event old = publish(hub, "a", "{\"old\":true}");
        Event old2 = publish(hub, "b", "{\"old\":true}");
        assertEquals(2, hub.retainedEvents(), "fresh events are kept");
        Await.wallClockPast(old2.publishedMillis() + 50);
        Event fresh = publish(hub, "b", "{\"fresh\":true}");
        assertEquals(1, hub.retainedEvents());
        assertEquals(fresh.sizeBytes(), hub.retainedBytes());
        assertNull(hub.topicInfo("a"), "an expired topic without subscribers is forgotten");
        assertEquals(fresh.id(), hub.topicInfo("b").oldestId());
        assertTrue(old.sequence() < fresh.sequence());
    }

    @Test
    void ageBoundIsEnforcedByTheTickerWithoutFurtherPublishes() {
        // tick period is max(50 ms, min(writeTimeout, heartbeat) / 4): 50 ms here
        Hub hub = hub(settings().withHistory(1000, 64L << 20, Duration.ofMillis(400))
                .withTimings(Duration.ofSeconds(1), Duration.ofMillis(200)));
        TestSink sink = TestSink.sync();
        subscribe(hub, sink, null, "kept");
        publish(hub, "kept", "{}");
        publish(hub, "gone", "{}");
        publish(hub, "gone", "{}");
        assertEquals(3, hub.retainedEvents(), "nothing expires before its age");
        Await.until(() -> hub.retainedEvents() == 0, Duration.ofSeconds(3), "ticker expiry");
        assertEquals(0, hub.retainedBytes());
        assertNull(hub.topicInfo("gone"));
        Hub.TopicInfo kept = hub.topicInfo("kept");
        assertNotNull(kept, "a topic with a subscriber stays known");
        assertEquals(0, kept.retainedEvents());
        assertNull(kept.oldestId());
        assertNull(kept.lastId(), "the log forgot the topic with its history; the hub still knows its subscriber");
        assertEquals(1, kept.subscribers());
    }

    @Test
    void zeroHistoryRetainsNothingButStillDeliversLive() {
        Hub hub = hub(settings().withHistory(0, 64L << 20, Duration.ofMinutes(5)));
        TestSink sink = TestSink.sync();
        subscribe(hub, sink, null, "a");
        Event event = publish(hub, "a", "{}");
        publish(hub, "b", "{}");
        assertEquals(0, hub.retainedEvents());
        assertEquals(0, hub.retainedBytes());
        assertNull(hub.topicInfo("b"));
        sink.awaitEvents(1);
        assertEquals(List.of(event.id()), sink.eventIds());
    }
}
