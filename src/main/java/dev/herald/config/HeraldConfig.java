package dev.herald.config;

import dev.herald.hub.HubSettings;
import dev.herald.hub.TopicPolicies;
import org.eclipse.microprofile.config.Config;

import java.time.Duration;
import java.util.Optional;

/**
 * Every setting Herald reads, with its default. Values come from MicroProfile Config: system properties,
 * environment variables (HERALD_QUEUE_MAX_EVENTS for herald.queue.max-events) and
 * META-INF/microprofile-config.properties. The README's configuration table lists the same keys.
 */
public record HeraldConfig(
        HubSettings hub,
        Optional<String> publishToken,
        int maxEventBytes,
        SseEngine sseEngine,
        int sseSendThreads,
        Duration sseRetry,
        int idempotencyMaxKeys,
        Duration logTimeout,
        boolean demoEnabled,
        Duration demoInterval,
        String metricsBackend) {

    public enum SseEngine { SERVLET, JAXRS }

    /** Without herald.policies every topic is drop-oldest. */
    public static final String DEFAULT_POLICIES = "*=drop-oldest";
    /** With the demo on and herald.policies unset: what the demo's topics need (README, "Slow consumers"). */
    public static final String DEMO_POLICIES = "prices=conflate:symbol,inventory=conflate:sku,alerts=disconnect,*=drop-oldest";

    public static HeraldConfig from(Config config) {
        HubSettings defaults = HubSettings.defaults();
        boolean demo = config.getOptionalValue("herald.demo.enabled", Boolean.class).orElse(false);
        HubSettings hub = new HubSettings(
                integer(config, "herald.history.max-events-per-topic", defaults.historyMaxEventsPerTopic()),
                longValue(config, "herald.history.max-bytes", defaults.historyMaxBytes()),
                duration(config, "herald.history.max-age", defaults.historyMaxAge()),
                integer(config, "herald.queue.max-events", defaults.queueMaxEvents()),
                longValue(config, "herald.queue.max-bytes", defaults.queueMaxBytes()),
                duration(config, "herald.write-timeout", defaults.writeTimeout()),
                duration(config, "herald.heartbeat-interval", defaults.heartbeatInterval()),
                integer(config, "herald.max-topics", defaults.maxTopics()),
                integer(config, "herald.max-topics-per-subscription", defaults.maxTopicsPerSubscription()),
                integer(config, "herald.max-connections", defaults.maxConnections()),
                integer(config, "herald.writer-threads", defaults.writerThreads()),
                TopicPolicies.parse(string(config, "herald.policies", demo ? DEMO_POLICIES : DEFAULT_POLICIES)));
        String engine = string(config, "herald.sse.engine", "servlet").trim();
        SseEngine sseEngine = switch (engine) {
            case "servlet" -> SseEngine.SERVLET;
            case "jaxrs" -> SseEngine.JAXRS;
            default -> throw new IllegalArgumentException("herald.sse.engine: '" + engine + "' (servlet or jaxrs)");
        };
        return new HeraldConfig(hub,
                config.getOptionalValue("herald.publish-token", String.class).filter(token -> !token.isBlank()),
                integer(config, "herald.max-event-bytes", 64 * 1024),
                sseEngine,
                atLeastOne("herald.sse.send-threads", integer(config, "herald.sse.send-threads", 16)),
                duration(config, "herald.sse.retry", Duration.ofSeconds(3)),
                integer(config, "herald.idempotency.max-keys", 10_000),
                duration(config, "herald.log.timeout", Duration.ofSeconds(2)),
                demo,
                duration(config, "herald.demo.interval", Duration.ofMillis(250)),
                string(config, "herald.metrics", "auto"));
    }

    private static int atLeastOne(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be at least 1, not " + value);
        }
        return value;
    }

    private static String string(Config config, String key, String fallback) {
        return config.getOptionalValue(key, String.class).orElse(fallback);
    }

    private static int integer(Config config, String key, int fallback) {
        return config.getOptionalValue(key, Integer.class).orElse(fallback);
    }

    private static long longValue(Config config, String key, long fallback) {
        return config.getOptionalValue(key, Long.class).orElse(fallback);
    }

    private static Duration duration(Config config, String key, Duration fallback) {
        return config.getOptionalValue(key, String.class).map(text -> Durations.parse(key, text)).orElse(fallback);
    }
}
