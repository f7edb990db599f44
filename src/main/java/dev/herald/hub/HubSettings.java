package dev.herald.hub;

import java.time.Duration;

/** Bounds and timings of one hub; every value comes from configuration (see the README's table). */
public record HubSettings(
        int historyMaxEventsPerTopic,
        long historyMaxBytes,
        Duration historyMaxAge,
        int queueMaxEvents,
        long queueMaxBytes,
        Duration writeTimeout,
        Duration heartbeatInterval,
        int maxTopics,
        int maxTopicsPerSubscription,
        int maxConnections,
        int writerThreads,
        TopicPolicies policies) {

    public HubSettings {
        if (historyMaxEventsPerTopic < 0 || historyMaxBytes < 0 || queueMaxEvents < 1 || queueMaxBytes < 1
                || maxTopics < 1 || maxTopicsPerSubscription < 1 || maxConnections < 1 || writerThreads < 1) {
            throw new IllegalArgumentException("hub bounds must be positive: " + this);
        }
    }

    public static HubSettings defaults() {
        return new HubSettings(1000, 64L << 20, Duration.ofMinutes(5), 256, 1L << 20, Duration.ofSeconds(30),
                Duration.ofSeconds(15), 10_000, 64, 20_000, Math.max(2, Runtime.getRuntime().availableProcessors()),
                TopicPolicies.parse("*=drop-oldest"));
    }

    public HubSettings withQueue(int maxEvents, long maxBytes) {
        return new HubSettings(historyMaxEventsPerTopic, historyMaxBytes, historyMaxAge, maxEvents, maxBytes,
                writeTimeout, heartbeatInterval, maxTopics, maxTopicsPerSubscription, maxConnections, writerThreads,
                policies);
    }

    public HubSettings withHistory(int maxEventsPerTopic, long maxBytes, Duration maxAge) {
        return new HubSettings(maxEventsPerTopic, maxBytes, maxAge, queueMaxEvents, queueMaxBytes, writeTimeout,
                heartbeatInterval, maxTopics, maxTopicsPerSubscription, maxConnections, writerThreads, policies);
    }

    public HubSettings withLimits(int maxTopics, int maxTopicsPerSubscription, int maxConnections) {
        return new HubSettings(historyMaxEventsPerTopic, historyMaxBytes, historyMaxAge, queueMaxEvents,
                queueMaxBytes, writeTimeout, heartbeatInterval, maxTopics, maxTopicsPerSubscription, maxConnections,
                writerThreads, policies);
    }

    public HubSettings withPolicies(TopicPolicies policies) {
        return new HubSettings(historyMaxEventsPerTopic, historyMaxBytes, historyMaxAge, queueMaxEvents,
                queueMaxBytes, writeTimeout, heartbeatInterval, maxTopics, maxTopicsPerSubscription, maxConnections,
                writerThreads, policies);
    }

    public HubSettings withTimings(Duration writeTimeout, Duration heartbeatInterval) {
        return new HubSettings(historyMaxEventsPerTopic, historyMaxBytes, historyMaxAge, queueMaxEvents,
                queueMaxBytes, writeTimeout, heartbeatInterval, maxTopics, maxTopicsPerSubscription, maxConnections,
                writerThreads, policies);
    }

    public HubSettings withWriterThreads(int threads) {
        return new HubSettings(historyMaxEventsPerTopic, historyMaxBytes, historyMaxAge, queueMaxEvents,
                queueMaxBytes, writeTimeout, heartbeatInterval, maxTopics, maxTopicsPerSubscription, maxConnections,
                threads, policies);
    }
}
