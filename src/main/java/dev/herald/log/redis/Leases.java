package dev.herald.log.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;

import java.time.Duration;

/**
 * Named leases in Redis, so a task that must run once per deployment (the demo feed) runs on one node at a
 * time: the holder renews before the lease expires; when it stops (or dies), another node takes it over
 * after at most the lease's time to live.
 */
final class Leases {
    private static final String HOLD = """
            local holder = redis.call('GET', KEYS[1])
            if holder == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return 1
            end
            if not holder then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
              return 1
            end
            return 0
            """;

    private final RedisSettings settings;

    Leases(RedisSettings settings) {
        this.settings = settings;
    }

    /** Takes or renews the lease for this node; false if another node holds it or Redis does not answer. */
    boolean hold(StatefulRedisConnection<String, String> connection, String lease, Duration ttl) {
        try {
            Long held = connection.sync().eval(HOLD, ScriptOutputType.INTEGER,
                    new String[] {settings.leaseKey(lease)}, settings.nodeId(), Long.toString(ttl.toMillis()));
            return held != null && held == 1L;
        } catch (RedisException e) {
            return false;
        }
    }
}
