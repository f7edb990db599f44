package dev.herald.log.redis;

/**
 * One stream of the log (herald.redis.partitions) and the keys that go with it. They all carry the partition's
 * hash tag, so on a Redis Cluster they live in one slot and the append script, which touches several of them,
 * runs on one master.
 *
 * @param index                this partition's number, 0 to partitions - 1
 * @param streamKey            the stream
 * @param metaKey              hash with the stream's epoch and the format of its entries
 * @param idempotencyKeyPrefix Idempotency-Key entries of this partition's topics
 */
record Partition(int index, String streamKey, String metaKey, String idempotencyKeyPrefix) {
    static Partition of(String keyPrefix, int index) {
        String base = keyPrefix + ':' + PartitionTags.tag(index) + ':';
        return new Partition(index, base + "stream", base + "meta", base + "idem:");
    }
}
