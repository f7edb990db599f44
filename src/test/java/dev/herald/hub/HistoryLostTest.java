package dev.herald.hub;

import dev.herald.log.MemoryEventLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A log that lost history (a shared store restarted empty) makes the hub reset every live subscriber. */
class HistoryLostTest {
    private final MemoryEventLog memory = new MemoryEventLog(HubTestSupport.settings(), 10, HubTestSupport.LOG_TIMEOUT, "h");
    private volatile EventLog.Listener listener;
    private final Hub hub = new Hub(HubTestSupport.settings(), new DelegatingEventLog(memory) {
        @Override public void deliverTo(Listener delivery) {
            listener = delivery;
            memory.deliverTo(delivery);
        }
    }, HeraldMetrics.NONE);

    @AfterEach
    void close() {
        hub.close();
        memory.close();
    }

    @Test
    void everyLiveSubscriberGetsAResetForItsTopicsBeforeTheNextEvent() {
        TestSink both = TestSink.sync();
        TestSink one = TestSink.sync();
        HubTestSupport.subscribe(hub, both, null, "a", "b");
        HubTestSupport.subscribe(hub, one, null, "b");
        memory.append(new EventLog.Append("b", "{\"n\":1}", null, null, null, null)).toCompletableFuture().join();
        Await.until(() -> both.events().size() == 1 && one.events().size() == 1, "the first event");

        listener.historyLost();
        memory.append(new EventLog.Append("b", "{\"n\":2}", null, null, null, null)).toCompletableFuture().join();
        Await.until(() -> both.events().size() == 2 && one.events().size() == 2, "the event after the loss");

        for (TestSink sink : List.of(both, one)) {
            List<Object> items = sink.items();
            assertEquals("{\"n\":1}", assertInstanceOf(Event.class, items.get(0)).data());
            Signal.Reset reset = assertInstanceOf(Signal.Reset.class, items.get(1), "a reset before the next event");
            assertNull(reset.oldest());
            assertEquals("{\"n\":2}", assertInstanceOf(Event.class, items.get(2)).data());
        }
        assertEquals(List.of("a", "b"), ((Signal.Reset) both.items().get(1)).topics());
        assertEquals(List.of("b"), ((Signal.Reset) one.items().get(1)).topics());
    }
}
