package dev.herald.log.redis;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Which partition a topic belongs to, and the hash tag every key of a partition carries. The tags are a fixed
 * table, chosen once so that for every count {@code n} up to the table's length and every cluster of 2 to 8
 * masters with the slot ranges {@code redis-cli --cluster create} assigns, the first {@code n} tags put
 * {@code n / masters} or one more partitions on each master. They were found by a search over the pieces those
 * ranges cut the 16 384 slots into, then a tag {@code {h<k>}} whose slot (CRC16 mod 16384, what
 * {@code CLUSTER KEYSLOT} answers) lies near the middle of its piece, at least 4 slots inside it.
 * Bare numbers would not: of {@code {0}}..{@code {7}}, four hash into the middle third of the slots, so one of
 * three masters would carry half the partitions (the trap of Centrifuge issue 554). The table only ever grows
 * at its end, and partition 0 keeps {@code {h0}}, the single stream's tag.
 */
final class PartitionTags {
    private static final String[] TAGS = {
            "{h0}", "{h1266}", "{h6389}", "{h20349}", "{h3277}", "{h17349}", "{h12694}", "{h11355}", "{h10771}",
            "{h19502}", "{h41401}", "{h28467}", "{h14508}", "{h12760}", "{h14184}", "{h38397}", "{h4891}", "{h5514}",
            "{h15396}", "{h9363}", "{h6505}", "{h4369}", "{h31308}", "{h40025}", "{h7438}", "{h8600}", "{h1534}",
            "{h15003}", "{h23427}", "{h17012}", "{h39426}", "{h45757}", "{h66809}", "{h29957}", "{h23508}",
            "{h43664}", "{h41794}", "{h40848}", "{h51064}", "{h8668}", "{h4514}", "{h14427}", "{h63716}", "{h3204}",
            "{h22635}", "{h37081}", "{h18871}", "{h54716}", "{h7973}", "{h46116}", "{h32549}", "{h77848}", "{h66064}",
            "{h76794}", "{h22003}", "{h18985}", "{h72757}", "{h38916}", "{h20012}", "{h27719}", "{h4246}", "{h51809}",
            "{h88411}", "{h9755}"
    };

    /** herald.redis.partitions is at most this. */
    static final int MAX_PARTITIONS = TAGS.length;

    private PartitionTags() {
    }

    static String tag(int partition) {
        return TAGS[partition];
    }

    /**
     * The partition of a topic: CRC32 of its UTF-8 name modulo the count. Stable across nodes, releases and
     * JVMs (unlike {@code String.hashCode}, which is stable too but clusters short similar names).
     */
    static int of(String topic, int partitions) {
        if (partitions == 1) {
            return 0;
        }
        CRC32 crc = new CRC32();
        crc.update(topic.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % partitions);
    }

    /** Which partitions hold at least one of these topics. */
    static boolean[] touchedBy(String[] topics, int partitions) {
        boolean[] touched = new boolean[partitions];
        for (String topic : topics) {
            touched[of(topic, partitions)] = true;
        }
        return touched;
    }
}
