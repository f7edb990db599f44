package dev.herald.log.redis;

import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** herald.redis.uri with herald.redis.cluster: both forms of the seed list, credentials carried to each seed. */
class RedisUrisTest {
    private static RedisSettings settings(String uri) {
        return new RedisSettings(uri, null, Duration.ofSeconds(1), 1_000, Duration.ofMinutes(5), 100, 1L << 20,
                "herald", "n1", RedisSettings.ReplicaWait.NONE, true, 1);
    }

    private static List<String> hosts(String uri) {
        return RedisUris.seeds(settings(uri)).stream().map(seed -> seed.getHost() + ":" + seed.getPort()).toList();
    }

    @Test
    void fullUrisAndBareHostPortsAreBothSeeds() {
        assertEquals(List.of("a:1", "b:2", "c:3"), hosts("redis://a:1,redis://b:2,redis://c:3"));
        assertEquals(List.of("a:1", "b:2", "c:3"), hosts("redis://a:1, b:2 ,c:3"));
    }

    @Test
    void bareSeedsTakeTheFirstOnesSchemeAndCredentials() {
        List<RedisURI> seeds = RedisUris.seeds(settings("rediss://herald:s3cret@a:1,b:2"));
        assertEquals(2, seeds.size());
        for (RedisURI seed : seeds) {
            assertEquals(true, seed.isSsl(), seed.toString());
            assertEquals("herald", seed.getCredentialsProvider().resolveCredentials().block().getUsername(), seed.toString());
            assertEquals(Duration.ofSeconds(1), seed.getTimeout());
        }
        assertEquals("b", seeds.get(1).getHost());
    }

    @Test
    void aSeedThatIsNoUriIsRefusedWithoutItsPassword() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> RedisUris.seeds(settings("redis://u:pw@a:1,http://b:2")));
        assertEquals(false, refused.getMessage().contains("pw"), refused.getMessage());
    }
}
