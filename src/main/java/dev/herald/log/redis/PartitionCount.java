package dev.herald.log.redis;

import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The partition count a deployment's log was created with, stored once in Redis ({@code SET NX}). Topics map to
 * partitions by the count, so a node with another count would append a topic to a stream the others do not read
 * for it: such a node refuses to start when it can check at start-up, and otherwise refuses every publish (503)
 * and reports the backplane down from the moment its reader finds out.
 */
final class PartitionCount {
    private final RedisSettings settings;
    private volatile String refusal;

    PartitionCount(RedisSettings settings) {
        this.settings = settings;
    }

    /** Stores the count if none is, and throws {@link IllegalStateException} when another one is stored. */
    void check(RedisCommands<String, String> redis) {
        String configured = Integer.toString(settings.partitions());
        String key = settings.partitionsKey();
        String stored = "OK".equals(redis.set(key, configured, SetArgs.Builder.nx())) ? configured : redis.get(key);
        if (stored != null && !stored.equals(configured)) {
            String problem = "herald.redis.partitions is " + configured + " on this node, but the log at "
                    + RedisUris.redact(settings.uri()) + " (" + key + ") was created with " + stored
                    + " partitions: every node of a deployment needs the same count (README, \"Running several nodes\")";
            refusal = problem;
            throw new IllegalStateException(problem);
        }
    }

    /** Why this node refuses to append, or null. */
    String refusal() {
        return refusal;
    }
}
