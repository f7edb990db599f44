package dev.herald.log.redis;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The printed forms of a cursor: round trips, the epochs they belong to, and text that is no cursor. */
class CursorTest {
    private static final String[] EPOCHS = {"aaaaaaaa", "bbbbbbbb", "cccccccc", "dddddddd"};

    private static RedisPosition at(int partition, long millis, long seq) {
        return new RedisPosition(EPOCHS[partition], millis, seq);
    }

    @Test
    void onePartitionPrintsTheStreamPositionAsBeforePartitions() {
        Cursor cursor = Cursor.of(new RedisPosition[] {new RedisPosition("m5vng782", 1764600000000L, 0)}, null, 0);
        assertEquals("m5vng782-min9a22o-0", cursor.id());
        assertEquals(cursor.id(), Cursor.single(1, 0, cursor.ownPart()).id(), "a publish's id is the same");
        Cursor parsed = Cursor.parse(cursor.id(), 1);
        assertArrayEquals(cursor.parts(), parsed.resolve(new String[] {"m5vng782"}));
        assertNull(parsed.resolve(new String[] {"otherepo"})[0], "another epoch: unknown");
    }

    @Test
    void severalPartitionsRoundTripAndResolveOnlyWithTheSameEpochs() {
        RedisPosition[] vector = {at(0, 1764600000123L, 0), at(1, 1764600000000L, 3), null, at(3, 1764599000000L, 0)};
        String fingerprint = Cursor.fingerprint(EPOCHS);
        Cursor cursor = Cursor.of(vector.clone(), fingerprint, 1);
        Cursor parsed = Cursor.parse(cursor.id(), 4);
        assertArrayEquals(vector, parsed.resolve(EPOCHS), cursor.id());
        String[] recreated = EPOCHS.clone();
        recreated[2] = "eeeeeeee";
        assertTrue(Arrays.stream(parsed.resolve(recreated)).allMatch(part -> part == null),
                "one partition's epoch changed: the cursor knows none");
        assertTrue(Arrays.stream(Cursor.parse(cursor.id(), 3).resolve(new String[3])).allMatch(part -> part == null),
                "another partition count");
    }

    @Test
    void aPublishIdKnowsItsOwnPartitionOnly() {
        Cursor answered = Cursor.single(4, 2, at(2, 1764600000000L, 5));
        assertEquals("2:cccccccc-min9a22o-5", answered.id());
        RedisPosition[] resolved = Cursor.parse(answered.id(), 4).resolve(EPOCHS);
        assertArrayEquals(new RedisPosition[] {null, null, at(2, 1764600000000L, 5), null}, resolved);
    }

    @Test
    void textThatIsNoCursorKnowsNoPartitionAndNeverThrows() {
        Random random = new Random(16);
        String alphabet = "0123456789abcdefz.-:~% \u202e";
        for (int i = 0; i < 5_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(40);
            for (int c = 0; c < length; c++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            for (int partitions : new int[] {1, 4}) {
                RedisPosition[] resolved = Cursor.parse(text.toString(), partitions)
                        .resolve(partitions == 1 ? new String[] {"aaaaaaaa"} : EPOCHS);
                assertEquals(partitions, resolved.length);
            }
        }
        for (String bad : new String[] {null, "", "x".repeat(2_000), "9:aaaa-1-1", "-1:aaaaaaaa-1-1",
                "zz.1.2.3.4.5", Cursor.fingerprint(EPOCHS) + ".10.11...", Cursor.fingerprint(EPOCHS) + ".10.-1..."}) {
            assertTrue(Arrays.stream(Cursor.parse(bad, 4).resolve(EPOCHS)).allMatch(part -> part == null), bad);
        }
    }
}
