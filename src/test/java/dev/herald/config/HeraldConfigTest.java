package dev.herald.config;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Redis-related settings: what is refused at start, what the defaults are. */
class HeraldConfigTest {

    @Test
    void theRedisLogRefusesToStartWithoutAnExplicitPublishToken() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> HeraldConfig.from(config(Map.of("herald.backplane", "redis"))));
        assertTrue(refused.getMessage().contains("herald.publish-token"), refused.getMessage());
        assertFalse(HeraldConfig.from(config(Map.of())).sharedLog(), "memory by default, a token is generated");
    }

    @Test
    void redisSettingsHaveTheirDefaultsAndThePasswordComesFromItsFile(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("redis-password"), "s3cret\n");
        HeraldConfig config = HeraldConfig.from(config(Map.of("herald.backplane", "redis",
                "herald.publish-token", "t", "herald.redis.uri", "redis://user@redis:6380",
                "herald.redis.password-file", secret.toString(), "herald.node-id", "edge-1")));
        assertTrue(config.sharedLog());
        assertEquals("redis://user@redis:6380", config.redis().uri());
        assertArrayEquals("s3cret".toCharArray(), config.redis().password());
        assertEquals(Duration.ofSeconds(2), config.redis().timeout());
        assertEquals(100_000, config.redis().streamMaxEvents());
        assertEquals(10_000, config.redis().ringMaxEvents());
        assertEquals("herald", config.redis().keyPrefix());
        assertEquals("edge-1", config.nodeId());
        assertFalse(config.redis().toString().contains("s3cret"));
    }

    @Test
    void replicaWaitIsOffByDefaultAndItsTimeoutMustFitUnderTheRedisTimeout() {
        Map<String, String> redis = Map.of("herald.backplane", "redis", "herald.publish-token", "t");
        assertEquals(0, HeraldConfig.from(config(redis)).redis().replicaWait().replicas());
        Map<String, String> wait = new java.util.HashMap<>(redis);
        wait.put("herald.redis.wait-replicas", "1");
        assertEquals(Duration.ofSeconds(1), HeraldConfig.from(config(wait)).redis().replicaWait().timeout(),
                "half of herald.redis.timeout");
        wait.put("herald.redis.wait-timeout", "2s");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> HeraldConfig.from(config(wait)));
        assertTrue(refused.getMessage().contains("herald.redis.wait-timeout"), refused.getMessage());
        wait.put("herald.redis.wait-replicas", "-1");
        wait.remove("herald.redis.wait-timeout");
        assertThrows(IllegalArgumentException.class, () -> HeraldConfig.from(config(wait)));
    }

    @Test
    void theNodeIdIsUniquePerProcessByDefaultAndAnUnknownBackplaneIsRefused() {
        HeraldConfig config = HeraldConfig.from(config(Map.of()));
        assertTrue(config.nodeId().endsWith("-" + ProcessHandle.current().pid()), config.nodeId());
        assertNull(config.redis());
        assertThrows(IllegalArgumentException.class, () -> HeraldConfig.from(config(Map.of("herald.backplane", "kafka"))));
        assertThrows(IllegalArgumentException.class, () -> HeraldConfig.from(config(Map.of("herald.backplane", "redis",
                "herald.publish-token", "t", "herald.redis.timeout", "10ms"))));
    }

    /** MicroProfile Config over a map, converting the few types HeraldConfig asks for. */
    private static Config config(Map<String, String> values) {
        return new Config() {
            @Override
            public <T> T getValue(String name, Class<T> type) {
                return getOptionalValue(name, type).orElseThrow(() -> new NoSuchElementException(name));
            }

            @Override
            public ConfigValue getConfigValue(String name) {
                throw new UnsupportedOperationException();
            }

            @Override
            public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
                String text = values.get(name);
                if (text == null) {
                    return Optional.empty();
                }
                Object value = type == Integer.class ? Integer.valueOf(text) : type == Long.class ? Long.valueOf(text)
                        : type == Boolean.class ? Boolean.valueOf(text) : text;
                return Optional.of(type.cast(value));
            }

            @Override
            public Iterable<String> getPropertyNames() {
                return values.keySet();
            }

            @Override
            public Iterable<ConfigSource> getConfigSources() {
                return List.of();
            }

            @Override
            public <T> Optional<Converter<T>> getConverter(Class<T> type) {
                return Optional.empty();
            }

            @Override
            public <T> T unwrap(Class<T> type) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
