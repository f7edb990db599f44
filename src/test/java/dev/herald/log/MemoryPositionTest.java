package dev.herald.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class MemoryPositionTest {

    @Test
    void formatsEpochDashSequence() {
        assertEquals("epochA-42", MemoryPosition.format("epochA", 42));
        assertEquals("epochA-0", new MemoryPosition("epochA", 0).toString());
    }

    @Test
    void parsesWhatItFormats() {
        assertEquals(new MemoryPosition("lqz3k1", 7), MemoryPosition.parse(MemoryPosition.format("lqz3k1", 7)));
        assertEquals(new MemoryPosition("e", Long.MAX_VALUE), MemoryPosition.parse("e-" + Long.MAX_VALUE));
        assertEquals(new MemoryPosition("e", 0), MemoryPosition.parse("e-0"));
    }

    @Test
    void theLastDashSeparatesSoEpochsMayContainDashes() {
        assertEquals(new MemoryPosition("2026-11-boot", 15), MemoryPosition.parse("2026-11-boot-15"));
        // "a--1" is epoch "a-" and sequence 1, never a negative sequence
        assertEquals(new MemoryPosition("a-", 1), MemoryPosition.parse("a--1"));
    }

    @Test
    void acceptsUpTo64Characters() {
        String epoch = "e".repeat(61);
        assertEquals(new MemoryPosition(epoch, 12), MemoryPosition.parse(epoch + "-12"));
        assertNull(MemoryPosition.parse(epoch + "-123"), "65 characters");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"garbage", "-5", "epochA-", "epochA-x", "epochA-1x", "epochA-1.5", "epochA- 1",
            "epochA-0x10", "epochA-99999999999999999999", "-"})
    void rejectsMalformedIds(String text) {
        assertNull(MemoryPosition.parse(text), "'" + text + "' must not parse");
    }
}
