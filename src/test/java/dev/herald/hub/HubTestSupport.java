package dev.herald.hub;

import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds real hubs with a counting metrics double and closes them after each test. */
abstract class HubTestSupport {
    static final String EPOCH = "epochA";

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
        Hub hub = new Hub(settings, metrics, EPOCH);
        hubs.add(hub);
        return hub;
    }

    Hub hub() {
        return hub(settings());
    }

    static Hub.Subscription subscribe(Hub hub, TestSink sink, String lastEventId, String... topics) {
        Hub.Subscription subscription = hub.subscribe(List.of(topics), lastEventId, sink);
        sink.attach(subscription);
        return subscription;
    }

    static Event publish(Hub hub, String topic, String data) {
        return hub.publish(topic, data, null, null);
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
        return EventId.format(EPOCH, sequence);
    }

    @AfterEach
    void closeHubs() {
        for (Hub hub : hubs) {
            hub.close();
        }
    }
}
