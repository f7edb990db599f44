package dev.herald.hub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Subscribers fed by a transport's broadcast group (the JAX-RS engine): one group per topic set, in log order. */
class BroadcastGroupTest extends HubTestSupport {
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final TestBroadcastGroups groups = new TestBroadcastGroups(pool);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private Hub.Subscription join(Hub hub, TestSink sink, String lastEventId, String... topics) {
        Hub.Subscription subscription = hub.subscribe(List.of(topics), lastEventId, sink, groups);
        sink.attach(subscription);
        return subscription;
    }

    @Test
    void oneGroupPerTopicSetWhateverTheOrderClosedWithItsLastMember() {
        Hub hub = hub();
        TestSink ab = TestSink.sync();
        TestSink ba = TestSink.sync();
        TestSink a = TestSink.sync();
        Subscriber first = join(hub, ab, null, "a", "b").subscriber();
        Subscriber second = join(hub, ba, null, "b", "a").subscriber();
        Subscriber third = join(hub, a, null, "a").subscriber();
        assertEquals(2, groups.created.get(), "{a,b} and {a}");
        assertEquals(Set.of(List.of("a"), List.of("a", "b")), groups.open.keySet());
        assertEquals(3, hub.topicInfo("a").subscribers(), "grouped members count as the topic's subscribers");

        Event one = publish(hub, "a", "{\"n\":1}");
        Event two = publish(hub, "b", "{\"n\":2}");
        ab.awaitEvents(2);
        ba.awaitEvents(2);
        a.awaitEvents(1);
        assertEquals(List.of(one.id(), two.id()), ab.eventIds());
        assertEquals(List.of(one.id(), two.id()), ba.eventIds());
        assertEquals(List.of(one.id()), a.eventIds());

        hub.close(first, CloseReason.CLIENT_GONE);
        assertEquals(0, groups.closed.get(), "{a,b} still has a member");
        hub.close(second, CloseReason.CLIENT_GONE);
        hub.close(third, CloseReason.CLIENT_GONE);
        assertEquals(2, groups.closed.get());
        assertEquals(Set.of(), groups.open.keySet());
        assertEquals(0, hub.topicInfo("b").subscribers(), "the retained topic has no subscribers left");
    }

    @Test
    void aGroupedSubscriberResumesFromHistoryThenGoesLive() {
        Hub hub = hub();
        Event before = publish(hub, "r", "{\"n\":0}");
        Event missed = publish(hub, "r", "{\"n\":1}");
        TestSink sink = TestSink.sync();
        join(hub, sink, before.id(), "r");
        Event live = publish(hub, "r", "{\"n\":2}");
        sink.awaitEvents(2);
        assertEquals(List.of(missed.id(), live.id()), sink.eventIds());
    }

    @Test
    void overflowOnADisconnectTopicClosesAsSlowConsumerAndALostBroadcastAsBroadcastOverflow() {
        Hub hub = hub(settings().withQueue(2, 1L << 20).withPolicies(TopicPolicies.parse("strict=disconnect,*=drop-oldest")));
        TestSink stuck = TestSink.async();
        join(hub, stuck, null, "strict");
        for (int i = 0; i < 4; i++) {
            publish(hub, "strict", "{\"n\":" + i + "}");
        }
        stuck.awaitClosed();
        assertEquals(CloseReason.SLOW_CONSUMER, stuck.closedWith());

        TestSink lost = TestSink.sync();
        Subscriber subscriber = join(hub, lost, null, "other").subscriber();
        subscriber.broadcastLost();
        lost.awaitClosed();
        assertEquals(CloseReason.BROADCAST_OVERFLOW, lost.closedWith());
        assertEquals(1, metrics.closedCount(CloseReason.BROADCAST_OVERFLOW));
        assertEquals(0, hub.connectionCount());
    }
}
