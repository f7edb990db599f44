package dev.herald.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every limit answers with a HubException carrying the right reason, and leaves nothing half done. */
class LimitsTest extends HubTestSupport {

    private static void assertRejected(HubException.Reason reason, Executable call) {
        HubException e = assertThrows(HubException.class, call);
        assertEquals(reason, e.reason(), e.getMessage());
    }

    @Test
    void topicsWithHistoryAreLimitedByTheLog() {
        Hub hub = hub(settings().withLimits(2, 64, 100));
        publish(hub, "a", "{}");
        publish(hub, "b", "{}");
        assertRejected(HubException.Reason.TOPIC_LIMIT, () -> publish(hub, "c", "{}"));
        assertEquals(log(hub).lastId(), id(2), "a refused publish takes no id");
        assertNull(hub.topicInfo("c"));
        assertEquals(2, hub.topicCount());
        publish(hub, "a", "{}");
        assertEquals(id(3), log(hub).lastId(), "known topics still take events");
    }

    @Test
    void topicsWithSubscribersAreLimitedByTheHub() {
        Hub hub = hub(settings().withLimits(2, 64, 100));
        TestSink sink = TestSink.sync();
        subscribe(hub, TestSink.sync(), null, "a", "b");
        assertRejected(HubException.Reason.TOPIC_LIMIT, () -> hub.subscribe(List.of("c"), null, sink));
        assertRejected(HubException.Reason.TOPIC_LIMIT, () -> hub.subscribe(List.of("a", "c"), null, sink));
        assertEquals(0, sink.attachCalls(), "a refused subscription never touches the sink");
        assertEquals(1, hub.connectionCount());
        assertEquals(2, hub.topicCount());
        assertNull(hub.topicInfo("c"));
        assertEquals(1, hub.topicInfo("a").subscribers(), "no partial registration");

        Subscriber subscriber = subscribe(hub, sink, null, "a", "b").subscriber();
        assertRejected(HubException.Reason.TOPIC_LIMIT, () -> hub.addTopics(subscriber, List.of("c")));
        assertEquals(List.of("a", "b"), subscriber.topics());
        assertEquals(2, metrics.openedCount());
    }

    @Test
    void topicsWithoutHistoryOrSubscribersFreeTheirSlot() {
        Hub hub = hub(settings().withLimits(2, 64, 100).withHistory(0, 1 << 20, Duration.ofMinutes(1)));
        TestSink a = TestSink.sync();
        Subscriber onA = subscribe(hub, a, null, "a").subscriber();
        subscribe(hub, TestSink.sync(), null, "b");
        assertRejected(HubException.Reason.TOPIC_LIMIT, () -> hub.subscribe(List.of("c"), null, TestSink.sync()));
        hub.close(onA, CloseReason.CLIENT_GONE);
        assertEquals(1, hub.topicCount());
        subscribe(hub, TestSink.sync(), null, "c");
        assertEquals(2, hub.topicCount());
    }

    @Test
    void topicsPerSubscriptionAreLimitedAfterRemovingDuplicates() {
        Hub hub = hub(settings().withLimits(100, 2, 100));
        assertRejected(HubException.Reason.TOO_MANY_TOPICS,
                () -> hub.subscribe(List.of("a", "b", "c"), null, TestSink.sync()));
        assertEquals(0, hub.topicCount());
        Subscriber subscriber = subscribe(hub, TestSink.sync(), null, "a", "a", "b").subscriber();
        assertEquals(List.of("a", "b"), subscriber.topics());
        assertRejected(HubException.Reason.TOO_MANY_TOPICS, () -> hub.addTopics(subscriber, List.of("c")));
        assertEquals(List.of("a", "b"), subscriber.topics());
        assertNull(hub.topicInfo("c"));
        hub.addTopics(subscriber, List.of("b", "a")); // nothing new: fine
        hub.removeTopics(subscriber, List.of("a"));
        hub.addTopics(subscriber, List.of("c"));
        assertEquals(List.of("b", "c"), subscriber.topics());
    }

    @Test
    void connectionsAreLimited() {
        Hub hub = hub(settings().withLimits(100, 64, 2));
        Subscriber first = subscribe(hub, TestSink.sync(), null, "a").subscriber();
        subscribe(hub, TestSink.sync(), null, "a");
        TestSink third = TestSink.sync();
        assertRejected(HubException.Reason.CONNECTION_LIMIT, () -> hub.subscribe(List.of("a"), null, third));
        assertEquals(0, third.attachCalls());
        assertEquals(2, hub.connectionCount());
        assertEquals(2, hub.connectionCount(TestSink.TRANSPORT));
        assertEquals(0, hub.connectionCount("ws"));
        assertEquals(2, metrics.openedCount());
        assertEquals(2, hub.topicInfo("a").subscribers());
        hub.close(first, CloseReason.CLIENT_GONE);
        subscribe(hub, third, null, "a");
        assertEquals(2, hub.connectionCount());
    }

    @Test
    void aSubscriptionNamesAtLeastOneTopic() {
        Hub hub = hub();
        assertRejected(HubException.Reason.NO_TOPICS, () -> hub.subscribe(List.of(), null, TestSink.sync()));
        assertRejected(HubException.Reason.NO_TOPICS, () -> hub.subscribe(null, null, TestSink.sync()));
        assertEquals(0, hub.connectionCount());
    }

    @Test
    void invalidAndReservedTopicNamesAreRejectedEverywhere() {
        Hub hub = hub();
        Subscriber subscriber = subscribe(hub, TestSink.sync(), null, "ok").subscriber();
        for (String bad : Arrays.asList("", "a b", "a/b", "x".repeat(129), "message", "error", "open",
                "herald.reset", "herald.dropped", null)) {
            assertRejected(HubException.Reason.INVALID_TOPIC, () -> publish(hub, bad, "{}"));
            assertRejected(HubException.Reason.INVALID_TOPIC,
                    () -> hub.subscribe(Arrays.asList("ok", bad), null, TestSink.sync()));
            assertRejected(HubException.Reason.INVALID_TOPIC, () -> hub.addTopics(subscriber, Arrays.asList(bad)));
        }
        assertNull(log(hub).lastId(), "no invalid publish took an id");
        assertEquals(1, hub.topicCount());
        assertEquals(1, hub.connectionCount());
        assertEquals(List.of("ok"), subscriber.topics());
    }

    @Test
    void settingsRejectNonPositiveBounds() {
        HubSettings defaults = HubSettings.defaults();
        assertThrows(IllegalArgumentException.class, () -> defaults.withQueue(0, 100));
        assertThrows(IllegalArgumentException.class, () -> defaults.withQueue(10, 0));
        assertThrows(IllegalArgumentException.class, () -> defaults.withHistory(-1, 100, Duration.ofMinutes(1)));
        assertThrows(IllegalArgumentException.class, () -> defaults.withLimits(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> defaults.withLimits(1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> defaults.withLimits(1, 1, 0));
    }

    @Test
    void reasonsHaveStableLabels() {
        assertEquals("topic-limit", HubException.Reason.TOPIC_LIMIT.label());
        assertEquals("too-many-topics", HubException.Reason.TOO_MANY_TOPICS.label());
        assertEquals("connection-limit", HubException.Reason.CONNECTION_LIMIT.label());
        assertEquals("invalid-topic", HubException.Reason.INVALID_TOPIC.label());
        assertEquals("slow-consumer", CloseReason.SLOW_CONSUMER.label());
        assertEquals("write-timeout", CloseReason.WRITE_TIMEOUT.label());
    }

    @Test
    void connectionsPerAddressAreLimitedAndFreedOnClose() {
        Hub hub = hub(settings().withConnectionsPerAddress(2));
        Subscriber first = subscribe(hub, TestSink.sync().from("192.0.2.1"), null, "a").subscriber();
        subscribe(hub, TestSink.sync().from("192.0.2.1"), null, "a");
        TestSink third = TestSink.sync().from("192.0.2.1");
        assertRejected(HubException.Reason.ADDRESS_LIMIT, () -> hub.subscribe(List.of("a"), null, third));
        assertEquals(0, third.attachCalls(), "a refused subscription never touches the sink");
        subscribe(hub, TestSink.sync().from("192.0.2.2"), null, "a");
        subscribe(hub, TestSink.sync(), null, "a");
        subscribe(hub, TestSink.sync(), null, "a");
        subscribe(hub, TestSink.sync(), null, "a");
        assertEquals(6, hub.connectionCount(), "other addresses, and connections of no known address, are not limited");

        hub.close(first, CloseReason.CLIENT_GONE);
        subscribe(hub, TestSink.sync().from("192.0.2.1"), null, "a");
        assertRejected(HubException.Reason.ADDRESS_LIMIT,
                () -> hub.subscribe(List.of("a"), null, TestSink.sync().from("192.0.2.1")));
    }

    @Test
    void withoutAPerAddressLimitOneAddressMayOpenMany() {
        Hub hub = hub(settings());
        for (int i = 0; i < 50; i++) {
            subscribe(hub, TestSink.sync().from("192.0.2.1"), null, "a");
        }
        assertEquals(50, hub.connectionCount());
    }
}
