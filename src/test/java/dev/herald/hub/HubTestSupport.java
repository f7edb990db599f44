package dev.herald.hub;

import dev.herald.log.MemoryEventLog;
import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/** Builds real hubs on a real in-memory log with a counting metrics double, and closes them after each test. */
abstract class HubTestSupport {
    static final String EPOCH = "epochA";
    static final int IDEMPOTENCY_KEYS = 1_000;
    static final Duration LOG_TIMEOUT = Duration.ofSeconds(1);
    /** The in-memory log delivers on the appending thread: the observer sees each publish's event there. */
    private static final ThreadLocal<Event> LAST_FANNED_OUT = new ThreadLocal<>();

    protected final CountingMetrics metrics = new CountingMetrics();
    private final List<Hub> hubs = new ArrayList<>();

    /** Roomy defaults: big queue, big history, drop-oldest everywhere. */
    static HubSettings settings() {
        return HubSettings.defaults()
                .withQueue(10_000, 64L << 20)
                .withHistory(10_000, 64L << 20, Duration.ofMinutes(5))
                .withPolicies(TopicPolicies.parse("*=drop-oldest"));
    }

    Hub hub(HubSettings settings) {
        return hub(settings, FanOutObserver.NONE);
    }

    Hub hub(HubSettings settings, FanOutObserver observer) {
        MemoryEventLog log = new MemoryEventLog(settings, IDEMPOTENCY_KEYS, LOG_TIMEOUT, EPOCH);
        Hub hub = new Hub(settings, log, metrics, new FanOutObserver() {
            @Override
            public void sliceOffered(Event event, int lane, int offered) {
                observer.sliceOffered(event, lane, offered);
            }

            @Override
            public void fannedOut(Event event, int subscribers, int overflows, long startNanos, long endNanos) {
                LAST_FANNED_OUT.set(event);
                observer.fannedOut(event, subscribers, overflows, startNanos, endNanos);
            }
        });
        hubs.add(hub);
        return hub;
    }

    Hub hub() {
        return hub(settings());
    }

    static MemoryEventLog log(Hub hub) {
        return (MemoryEventLog) hub.log();
    }

    static Hub.Subscription subscribe(Hub hub, TestSink sink, String lastEventId, String... topics) {
        Hub.Subscription subscription = hub.subscribe(List.of(topics), lastEventId, sink);
        sink.attach(subscription);
        return subscription;
    }

    /** Appends through the log and returns the event the hub fanned out; a refusal is thrown as such. */
    static Event publish(Hub hub, String topic, String data) {
        return publish(hub, new EventLog.Append(topic, data, null, null, null, null));
    }

    static Event publish(Hub hub, EventLog.Append append) {
        LAST_FANNED_OUT.remove();
        try {
            hub.log().append(append).toCompletableFuture().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
        Event event = LAST_FANNED_OUT.get();
        LAST_FANNED_OUT.remove();
        return event;
    }

    /** A JSON payload of exactly {@code bytes} UTF-8 bytes. */
    static String payload(int bytes) {
        StringBuilder text = new StringBuilder("\"");
        while (text.length() < bytes - 1) {
            text.append('x');
        }
        return text.append('"').toString();
    }

    static String id(long sequence) {
        return EPOCH + "-" + sequence;
    }

    /** The sequence of an in-memory id (tests only: clients treat ids as opaque). */
    static long sequenceOf(String id) {
        return id == null ? 0 : Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
    }

    @AfterEach
    void closeHubs() {
        for (Hub hub : hubs) {
            hub.close();
            hub.log().close();
        }
    }
}
