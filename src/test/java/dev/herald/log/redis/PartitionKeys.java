package dev.herald.log.redis;

/** The log's partition mapping for integration tests outside this package (they name keys and topics' partitions). */
public final class PartitionKeys {
    private PartitionKeys() {
    }

    public static String tag(int partition) {
        return PartitionTags.tag(partition);
    }

    public static int partitionOf(String topic, int partitions) {
        return PartitionTags.of(topic, partitions);
    }
}
