package dev.herald.config;

import dev.herald.hub.HubSettings;
import dev.herald.hub.TopicSelector;
import dev.herald.limits.ClientAddresses;
import dev.herald.limits.LimitSettings;
import dev.herald.log.redis.RedisSettings;
import dev.herald.security.SecuritySettings;
import dev.herald.hub.TopicPolicies;
import org.eclipse.microprofile.config.Config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
        String metricsBackend,
        String nodeId,
        RedisSettings redis,
        SecuritySettings security,
        LimitSettings limits,
        Duration drainGrace,
        Duration drainPeriod) {

    /** True when the nodes share a Redis log (herald.backplane=redis); {@link #redis()} is null otherwise. */
    public boolean sharedLog() {
        return redis != null;
    }

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
                TopicPolicies.parse(string(config, "herald.policies", demo ? DEMO_POLICIES : DEFAULT_POLICIES)),
                integer(config, "herald.limits.connections-per-address", defaults.maxConnectionsPerAddress()),
                duration(config, "herald.ws.pong-timeout", defaults.pongTimeout()));
        String engine = string(config, "herald.sse.engine", "servlet").trim();
        SseEngine sseEngine = switch (engine) {
            case "servlet" -> SseEngine.SERVLET;
            case "jaxrs" -> SseEngine.JAXRS;
            default -> throw new IllegalArgumentException("herald.sse.engine: '" + engine + "' (servlet or jaxrs)");
        };
        String nodeId = string(config, "herald.node-id", "").trim();
        if (nodeId.isEmpty()) {
            nodeId = defaultNodeId();
        }
        String backplane = string(config, "herald.backplane", "memory").trim();
        RedisSettings redis = switch (backplane) {
            case "memory" -> null;
            case "redis" -> redis(config, hub, nodeId);
            default -> throw new IllegalArgumentException("herald.backplane: '" + backplane + "' (memory or redis)");
        };
        Optional<String> token = config.getOptionalValue("herald.publish-token", String.class)
                .filter(value -> !value.isBlank());
        if (redis != null && token.isEmpty()) {
            // a token generated per node cannot work behind a load balancer: each node would accept another one
            throw new IllegalArgumentException("herald.backplane=redis needs herald.publish-token (HERALD_PUBLISH_TOKEN):"
                    + " every node behind the load balancer must accept the same token");
        }
        return new HeraldConfig(hub,
                token,
                integer(config, "herald.max-event-bytes", 64 * 1024),
                sseEngine,
                atLeastOne("herald.sse.send-threads", integer(config, "herald.sse.send-threads", 16)),
                duration(config, "herald.sse.retry", Duration.ofSeconds(3)),
                integer(config, "herald.idempotency.max-keys", 10_000),
                duration(config, "herald.log.timeout", Duration.ofSeconds(2)),
                demo,
                duration(config, "herald.demo.interval", Duration.ofMillis(250)),
                string(config, "herald.metrics", "auto"),
                nodeId,
                redis,
                checked(security(config, token)),
                limits(config),
                duration(config, "herald.drain.grace", Duration.ofSeconds(5)),
                duration(config, "herald.drain.period", Duration.ofSeconds(10)));
    }

    private static LimitSettings limits(Config config) {
        double rate = config.getOptionalValue("herald.limits.publish-rate", Double.class).orElse(0.0);
        return new LimitSettings(
                ClientAddresses.trusting(List.of(string(config, "herald.trusted-proxies", "").split(","))),
                rate,
                integer(config, "herald.limits.publish-burst", Math.max(1, (int) Math.ceil(rate))),
                integer(config, "herald.ws.max-messages-per-second", LimitSettings.defaults().wsMessagesPerSecond()));
    }

    private static SecuritySettings security(Config config, Optional<String> token) {
        String publicKeys = optional(config, "herald.jwt.public-keys")
                .map(value -> value.contains("-----BEGIN") ? value : readText("herald.jwt.public-keys", value))
                .orElse(null);
        return new SecuritySettings(token,
                optional(config, "herald.jwt.hmac-secret").map(secret -> secret.getBytes(StandardCharsets.UTF_8))
                        .orElse(null),
                publicKeys,
                optional(config, "herald.jwt.jwks-url").map(URI::create).orElse(null),
                optional(config, "herald.jwt.algorithm"),
                config.getOptionalValue("herald.jwt.require-exp", Boolean.class).orElse(true),
                optional(config, "herald.jwt.issuer").orElse(null),
                optional(config, "herald.jwt.audience").orElse(null),
                string(config, "herald.jwt.claim", "herald").trim(),
                TopicSelector.parseList(string(config, "herald.private-topics", "")),
                string(config, "herald.jwt.cookie", "heraldAuthorization").trim(),
                config.getOptionalValue("herald.jwt.query-token", Boolean.class).orElse(false),
                List.of(string(config, "herald.allowed-origins", "").split(",")).stream().map(String::trim)
                        .filter(origin -> !origin.isEmpty()).map(HeraldConfig::origin).toList(),
                config.getOptionalValue("herald.allow-missing-origin", Boolean.class).orElse(true),
                config.getOptionalValue("herald.cors.allow-credentials", Boolean.class).orElse(false),
                duration(config, "herald.jwt.jwks-timeout", Duration.ofSeconds(2)));
    }

    private static SecuritySettings checked(SecuritySettings security) {
        if (security.corsAllowCredentials() && security.allowedOrigins().contains("*")) {
            throw new IllegalArgumentException("herald.cors.allow-credentials=true needs explicit herald.allowed-origins,"
                    + " not *: a credentialed CORS answer must name the origin");
        }
        return security;
    }

    /** An origin as browsers send it: scheme://host[:port], no path, no trailing slash. */
    private static String origin(String value) {
        if (value.equals("*")) {
            return value;
        }
        URI uri = URI.create(value);
        if (uri.getScheme() == null || uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty())) {
            throw new IllegalArgumentException("herald.allowed-origins: '" + value + "' is not scheme://host[:port]");
        }
        return value.toLowerCase(java.util.Locale.ROOT);
    }

    private static Optional<String> optional(Config config, String key) {
        return config.getOptionalValue(key, String.class).filter(value -> !value.isBlank());
    }

    private static String readText(String key, String path) {
        try {
            return Files.readString(Path.of(path.trim()));
        } catch (IOException e) {
            throw new IllegalArgumentException(key + ": neither PEM text nor a readable file: " + path, e);
        }
    }

    private static RedisSettings redis(Config config, HubSettings hub, String nodeId) {
        String uri = string(config, "herald.redis.uri", "redis://127.0.0.1:6379").trim();
        char[] password = config.getOptionalValue("herald.redis.password-file", String.class)
                .filter(path -> !path.isBlank()).map(HeraldConfig::readSecret).orElse(null);
        Duration timeout = duration(config, "herald.redis.timeout", Duration.ofSeconds(2));
        if (timeout.toMillis() < 100) {
            throw new IllegalArgumentException("herald.redis.timeout must be at least 100ms, not " + timeout);
        }
        int waitReplicas = integer(config, "herald.redis.wait-replicas", 0);
        Duration waitTimeout = duration(config, "herald.redis.wait-timeout", timeout.dividedBy(2));
        if (waitReplicas > 0 && (waitTimeout.toMillis() < 1 || waitTimeout.compareTo(timeout) >= 0)) {
            // WAIT is a Redis command like any other: herald.redis.timeout would cut it before it answers
            throw new IllegalArgumentException("herald.redis.wait-timeout must be at least 1ms and below herald.redis.timeout ("
                    + timeout + "), not " + waitTimeout);
        }
        return new RedisSettings(uri, password, timeout,
                longValue(config, "herald.redis.stream.max-events", 100_000),
                hub.historyMaxAge(),
                integer(config, "herald.redis.ring.max-events", 10_000),
                hub.historyMaxBytes(),
                string(config, "herald.redis.key-prefix", "herald").trim(),
                nodeId,
                waitReplicas == 0 ? RedisSettings.ReplicaWait.NONE : new RedisSettings.ReplicaWait(waitReplicas, waitTimeout),
                config.getOptionalValue("herald.redis.cluster", Boolean.class).orElse(false),
                integer(config, "herald.redis.partitions", 1));
    }

    /** The secret in a file (a mounted Kubernetes or Docker secret), without a trailing newline. */
    private static char[] readSecret(String path) {
        try {
            return Files.readString(Path.of(path.trim())).strip().toCharArray();
        } catch (IOException e) {
            throw new IllegalArgumentException("herald.redis.password-file: cannot read " + path + ": " + e, e);
        }
    }

    /** Unique per process: the host name and the process id. */
    private static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "herald";
        }
        return host + "-" + ProcessHandle.current().pid();
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
