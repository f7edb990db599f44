package dev.herald.log.redis;

import java.time.Duration;

/**
 * What the Redis log needs to know, read once by the configuration (README, "Running several nodes").
 *
 * @param uri            {@code redis://[user:password@]host:port[/db]}, {@code rediss://} for TLS; with
 *                       {@code cluster} a comma-separated list of seed nodes ({@code redis://a:1,b:2})
 * @param password       from herald.redis.password-file when set (overrides a password in the URI), else null
 * @param timeout        every Redis command's bound: a publish answers 503 within it when Redis does not
 * @param streamMaxEvents the stream's length bound ({@code XADD MAXLEN ~}): retention is per stream
 * @param maxAge         the stream's age bound ({@code XTRIM MINID ~}) and how long Idempotency-Keys live
 * @param ringMaxEvents  how many recent entries each node keeps to answer resumes without asking Redis
 * @param ringMaxBytes   the same ring's byte bound
 * @param keyPrefix      the first part of every key Herald writes, so several deployments can share a Redis
 * @param nodeId         this node's name (client name in Redis, lease holder)
 * @param replicaWait    how many replicas must confirm each append, and how long to wait for them
 * @param cluster        herald.redis.cluster: the URIs are seeds of a Redis Cluster, whose topology is followed
 * @param partitions     herald.redis.partitions: how many streams the log spreads its topics over (1: one stream)
 */
public record RedisSettings(String uri, char[] password, Duration timeout, long streamMaxEvents, Duration maxAge,
                            int ringMaxEvents, long ringMaxBytes, String keyPrefix, String nodeId,
                            ReplicaWait replicaWait, boolean cluster, int partitions) {

    public RedisSettings {
        if (partitions < 1 || partitions > PartitionTags.MAX_PARTITIONS) {
            throw new IllegalArgumentException("herald.redis.partitions must be 1 to " + PartitionTags.MAX_PARTITIONS
                    + ", not " + partitions);
        }
    }

    /**
     * herald.redis.wait-replicas / herald.redis.wait-timeout: after each append, {@code WAIT replicas timeout}.
     * Redis replicates asynchronously, so without it a master that fails right after answering can lose
     * publishes its replica never received, although they were answered 202.
     *
     * @param replicas how many replicas must have the append (0: do not wait)
     * @param timeout  how long to wait for them; below herald.redis.timeout, which bounds the WAIT command too
     */
    public record ReplicaWait(int replicas, Duration timeout) {
        public static final ReplicaWait NONE = new ReplicaWait(0, Duration.ZERO);

        public ReplicaWait {
            if (replicas < 0) {
                throw new IllegalArgumentException("herald.redis.wait-replicas must be 0 or more, not " + replicas);
            }
        }
    }

    Partition partition(int index) {
        return Partition.of(keyPrefix, index);
    }

    /** The partition count the deployment was started with; a node configured with another one refuses to start. */
    String partitionsKey() {
        return keyPrefix + ':' + PartitionTags.tag(0) + ":partitions";
    }

    /** In partition 0's slot, with the control entries (revocations) and the partition count. */
    String leaseKey(String lease) {
        return keyPrefix + ':' + PartitionTags.tag(0) + ":lease:" + lease;
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "RedisSettings[uri=" + RedisUris.redact(uri) + ", timeout=" + timeout + ", streamMaxEvents="
                + streamMaxEvents + ", maxAge=" + maxAge + ", ringMaxEvents=" + ringMaxEvents + ", keyPrefix="
                + keyPrefix + ", nodeId=" + nodeId + ", replicaWait=" + replicaWait + ", cluster=" + cluster + ", partitions=" + partitions + "]";
    }
}
