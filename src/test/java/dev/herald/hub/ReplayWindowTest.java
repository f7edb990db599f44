package dev.herald.hub;

import dev.herald.log.MemoryEventLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What happens between a subscriber joining and its replay being read: the log's read is held open here. */
class ReplayWindowTest {
    private final CountingMetrics metrics = new CountingMetrics();
    private final HubSettings settings = HubTestSupport.settings().withQueue(1, 1L << 20)
            .withPolicies(TopicPolicies.parse("alerts=disconnect,*=drop-oldest"));
    private final MemoryEventLog memory = new MemoryEventLog(settings, 10, HubTestSupport.LOG_TIMEOUT, "w");
    private volatile Supplier<EventLog.Replay> beforeRead = () -> null;
    private final Hub hub = new Hub(settings, new DelegatingEventLog(memory) {
        @Override public Replay readAfter(Position after, String[] topics) {
            Replay override = beforeRead.get();
            return override != null ? override : memory.readAfter(after, topics);
        }
    }, metrics);

    @AfterEach
    void close() {
        hub.close();
        memory.close();
    }

    private void publish(String topic) {
        memory.append(new EventLog.Append(topic, "{}", null, null, null, null)).toCompletableFuture().join();
    }

    @Test
    void aSubscriberDisconnectedBeforeItsReplayIsClosedAfterItsSinkWasAttached() throws Exception {
        publish("alerts");
        String from = memory.lastId();
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        beforeRead = () -> {
            reading.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        };
        TestSink sink = TestSink.notWritable();
        CompletableFuture<Hub.Subscription> subscribing =
                CompletableFuture.supplyAsync(() -> hub.subscribe(List.of("alerts"), from, sink));
        assertTrue(reading.await(10, TimeUnit.SECONDS));
        publish("alerts");
        publish("alerts"); // the queue holds one: this one overflows a disconnect topic
        Await.until(() -> metrics.closedCount(CloseReason.SLOW_CONSUMER) == 1, "disconnected while joining");
        assertEquals(0, sink.closeCalls(), "nothing touches the sink before the subscription is set up");
        release.countDown();
        Hub.Subscription subscription = subscribing.get(10, TimeUnit.SECONDS);
        sink.attach(subscription);
        sink.awaitClosed();
        assertEquals(CloseReason.SLOW_CONSUMER, sink.closedWith());
        assertEquals(1, sink.closeCalls());
        assertEquals(0, sink.writes(), "a closed subscriber writes nothing");
        assertEquals(0, hub.connectionCount());
        sink.assertNoViolations();
    }

    @Test
    void aLogThatCannotReadTheReplayFailsTheSubscribeAndLeavesNothingBehind() {
        publish("a");
        String from = memory.lastId();
        beforeRead = () -> {
            throw new HubException(HubException.Reason.BACKPLANE_UNAVAILABLE, "store unreachable");
        };
        TestSink sink = TestSink.sync();
        HubException e = assertThrows(HubException.class, () -> hub.subscribe(List.of("a"), from, sink));
        assertEquals(HubException.Reason.BACKPLANE_UNAVAILABLE, e.reason());
        assertEquals(0, hub.connectionCount());
        assertEquals(0, hub.topicInfo("a").subscribers());
        assertEquals(0, metrics.openedCount(), "never counted as opened");
        publish("a");
        assertEquals(0, sink.writes(), "nothing is written to a failed subscription");
        assertEquals(0, sink.closeCalls(), "the transport answers with the error itself");
    }
}
