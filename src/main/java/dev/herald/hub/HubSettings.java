package dev.herald.hub;

import java.time.Duration;

/**
 * Bounds and timings of one hub; every value comes from configuration (see the README's table).
 *
 * @param maxConnectionsPerAddress open connections one client address may hold; 0: no limit
 * @param pongTimeout              how long a transport that answers heartbeats (WebSocket pongs) may take
 */
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
        TopicPolicies policies,
        int maxConnectionsPerAddress,
        Duration pongTimeout) {

    public HubSettings {
        if (historyMaxEventsPerTopic < 0 || historyMaxBytes < 0 || queueMaxEvents < 1 || queueMaxBytes < 1
                || maxTopics < 1 || maxTopicsPerSubscription < 1 || maxConnections < 1 || writerThreads < 1
                || maxConnectionsPerAddress < 0 || pongTimeout.isNegative() || pongTimeout.isZero()) {
            throw new IllegalArgumentException("hub bounds must be positive: " + this);
        }
    }

    public static HubSettings defaults() {
        return new HubSettings(1000, 64L << 20, Duration.ofMinutes(5), 256, 1L << 20, Duration.ofSeconds(30),
                Duration.ofSeconds(15), 10_000, 64, 20_000, Math.max(2, Runtime.getRuntime().availableProcessors()),
                TopicPolicies.parse("*=drop-oldest"), 0, Duration.ofSeconds(10));
    }

    public HubSettings withQueue(int maxEvents, long maxBytes) {
        return new HubSettings(historyMaxEventsPerTopic, historyMaxBytes, historyMaxAge, maxEvents, maxBytes,
                writeTimeout, heartbeatInterval, maxTopics, maxTopicsPerSubscription, maxConnections, writerThreads,
                policies, maxConnectionsPerAddress, pongTimeout);
    }

    public HubSettings withHistory(int maxEventsPerTopic, long maxBytes, Duration maxAge) {
        return new HubSettings(maxEventsPerTopic, maxBytes, maxAge, queueMaxEvents, queueMaxBytes, writeTimeout,
                heartbeatInterval, maxTopics, maxTopicsPerSubscription, maxConnections, writerThreads, policies,
                maxConnectionsPerAddress, pongTimeout);
    }

    public HubSettings withLimits(int maxTopics, int maxTopicsPerSubscription, int maxConnections) {
        return new HubSettings(historyMaxEventsPerTopic, historyMaxBytes, historyMaxAge, queueMaxEvents,
                queueMaxBytes, writeTimeout, heartbeatInterval, maxTopics, maxTopicsPerSubscription, maxConnections,
                writerThreads, policies, maxConnectionsPerAddress, pongTimeout);
    }

    public HubSettings withConnectionsPerAddress(int perAddress) {
        return new HubSettings(historyMaxEventsPerTopic, historyMaxBytes, historyMaxAge, queueMaxEvents,
                queueMaxBytes, writeTimeout, heartbeatInterval, maxTopics, maxTopicsPerSubscription, maxConnections,
                writerThreads, policies, perAddress, pongTimeout);
    }

    public HubSettings withPolicies(TopicPolicies policies) {
        return new HubSettings(historyMaxEventsPerTopic, historyMaxBytes, historyMaxAge, queueMaxEvents,
                queueMaxBytes, writeTimeout, heartbeatInterval, maxTopics, maxTopicsPerSubscription, maxConnections,
                writerThreads, policies, maxConnectionsPerAddress, pongTimeout);
    }

    public HubSettings withTimings(Duration writeTimeout, Duration heartbeatInterval) {
        return new HubSettings(historyMaxEventsPerTopic, historyMaxBytes, historyMaxAge, queueMaxEvents,
                queueMaxBytes, writeTimeout, heartbeatInterval, maxTopics, maxTopicsPerSubscription, maxConnections,
                writerThreads, policies, maxConnectionsPerAddress, pongTimeout);
    }

    public HubSettings withPongTimeout(Duration timeout) {
        return new HubSettings(historyMaxEventsPerTopic, historyMaxBytes, historyMaxAge, queueMaxEvents,
                queueMaxBytes, writeTimeout, heartbeatInterval, maxTopics, maxTopicsPerSubscription, maxConnections,
                writerThreads, policies, maxConnectionsPerAddress, timeout);
    }

    public HubSettings withWriterThreads(int threads) {
        return new HubSettings(historyMaxEventsPerTopic, historyMaxBytes, historyMaxAge, queueMaxEvents,
                queueMaxBytes, writeTimeout, heartbeatInterval, maxTopics, maxTopicsPerSubscription, maxConnections,
                threads, policies, maxConnectionsPerAddress, pongTimeout);
    }
}
