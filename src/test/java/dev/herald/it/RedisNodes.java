package dev.herald.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Two Herald nodes on one Redis log, as the compose stack ships them: {@link #payara} on Payara Micro and
 * {@link #wildFly} on WildFly, both exporting traces to one {@link #traces} receiver. Started once for all
 * the test classes that take it as a parameter of their {@code @BeforeAll} (this class is their JUnit
 * extension too) and stopped when the run ends; a test that breaks something repairs it.
 */
public final class RedisNodes implements AutoCloseable {
    /** Short, so that outage tests see heartbeats and reconnects within seconds. */
    public static final String HEARTBEAT = "2s";

    public final RedisServer redis;
    public final OtlpReceiver traces;
    public final HeraldServer payara;
    public final HeraldServer wildFly;

    private RedisNodes(RedisServer redis, OtlpReceiver traces, HeraldServer payara, HeraldServer wildFly) {
        this.redis = redis;
        this.traces = traces;
        this.payara = payara;
        this.wildFly = wildFly;
    }

    /** What every node on this Redis is started with (another test may start a third node with them). */
    public static Map<String, String> nodeProperties(RedisServer redis, String nodeId) {
        return nodeProperties(redis.uri(), nodeId);
    }

    /** The same for any herald.redis.uri (a cluster's seeds); a mutable map. */
    public static Map<String, String> nodeProperties(String redisUri, String nodeId) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("herald.backplane", "redis");
        properties.put("herald.redis.uri", redisUri);
        properties.put("herald.redis.timeout", "1s");
        properties.put("herald.node-id", nodeId);
        properties.put("herald.heartbeat-interval", HEARTBEAT);
        properties.put("herald.publish-token", HeraldServer.TOKEN);
        properties.put("herald.jwt.hmac-secret", dev.herald.security.TestTokens.HMAC_SECRET);
        return properties;
    }

    private static RedisNodes start() {
        RedisServer redis = RedisServer.start(Path.of("target/redis-nodes"), true);
        OtlpReceiver traces;
        try {
            traces = OtlpReceiver.start(100);
        } catch (IOException e) {
            redis.close();
            throw new UncheckedIOException(e);
        }
        HeraldServer payara = null;
        try {
            payara = HeraldServer.builder("redis-a").runtime("payara")
                    .properties(withTraces(nodeProperties(redis, "node-a"), traces, "node-a"))
                    .property("herald.demo.enabled", "true").start();
            HeraldServer wildFly = HeraldServer.builder("redis-b").runtime("wildfly")
                    .properties(withTraces(nodeProperties(redis, "node-b"), traces, "node-b"))
                    .property("herald.demo.enabled", "true").start();
            return new RedisNodes(redis, traces, payara, wildFly);
        } catch (RuntimeException e) {
            if (payara != null) {
                payara.close();
            }
            traces.close();
            redis.close();
            throw e;
        }
    }

    private static Map<String, String> withTraces(Map<String, String> node, OtlpReceiver traces, String nodeId) {
        Map<String, String> properties = new LinkedHashMap<>(node);
        properties.putAll(traces.exportProperties(true));
        properties.put("otel.service.name", "herald");
        properties.put("otel.resource.attributes", "service.instance.id=" + nodeId);
        properties.put("otel.bsp.schedule.delay", "100");
        properties.put("otel.traces.sampler", "parentbased_always_on");
        return properties;
    }

    @Override
    public void close() {
        try {
            wildFly.close();
        } finally {
            try {
                payara.close();
            } finally {
                traces.close();
                redis.close();
            }
        }
    }

    /** Resolves a {@code RedisNodes} parameter to the one instance of this run. */
    public static final class Extension implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == RedisNodes.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            // the root store closes AutoCloseable values when the whole run ends
            return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(RedisNodes.class, key -> start(), RedisNodes.class);
        }
    }
}
