package dev.herald.log.redis;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fixed tag table spreads partitions evenly over a cluster's masters, for every partition count and 2 to 8
 * masters with the slot ranges {@code redis-cli --cluster create} assigns; topics map to partitions stably.
 */
class PartitionTagsTest {
    /** The master of a slot when {@code redis-cli --cluster create} split 16384 slots over {@code masters}. */
    private static int masterOf(int slot, int masters) {
        double perMaster = 16384.0 / masters;
        double cursor = 0;
        int first = 0;
        for (int master = 0; master < masters; master++) {
            long last = Math.round(cursor + perMaster - 1);
            if (last > 16383 || master == masters - 1) {
                last = 16383;
            }
            if (slot >= first && slot <= last) {
                return master;
            }
            first = (int) last + 1;
            cursor += perMaster;
        }
        throw new AssertionError("slot " + slot);
    }

    @Test
    void theFirstNTagsSpreadOverTwoToEightMastersWithinOnePartitionOfEachOther() {
        for (int masters = 2; masters <= 8; masters++) {
            int[] counts = new int[masters];
            for (int n = 1; n <= PartitionTags.MAX_PARTITIONS; n++) {
                counts[masterOf(SlotHash.getSlot(PartitionTags.tag(n - 1) + ":stream"), masters)]++;
                int max = 0;
                int min = Integer.MAX_VALUE;
                for (int count : counts) {
                    max = Math.max(max, count);
                    min = Math.min(min, count);
                }
                assertTrue(max - min <= 1, n + " partitions on " + masters + " masters: " + Arrays.toString(counts));
            }
        }
    }

    @Test
    void everyKeyOfAPartitionIsInOneSlotAndPartitionZeroKeepsTheSingleStreamsTag() {
        for (int i = 0; i < PartitionTags.MAX_PARTITIONS; i++) {
            Partition partition = Partition.of("herald", i);
            int slot = SlotHash.getSlot(partition.streamKey());
            assertEquals(slot, SlotHash.getSlot(partition.metaKey()));
            assertEquals(slot, SlotHash.getSlot(partition.idempotencyKeyPrefix() + "abc"));
        }
        assertEquals("herald:{h0}:stream", Partition.of("herald", 0).streamKey());
    }

    @Test
    void topicsMapStablyAndReachEveryPartition() {
        assertEquals(0, PartitionTags.of("anything", 1));
        // CRC32 of the UTF-8 name, the same on every node and release: CRC32("prices") = 0xE4CB6D59
        assertEquals(0xE4CB6D59L % 4, PartitionTags.of("prices", 4));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int partition = PartitionTags.of("topic." + i, 16);
            assertTrue(partition >= 0 && partition < 16);
            seen.add(partition);
        }
        assertEquals(16, seen.size(), "200 topics reach all 16 partitions");
    }
}
