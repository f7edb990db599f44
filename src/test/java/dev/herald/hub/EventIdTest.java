package dev.herald.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class EventIdTest {

    @Test
    void formatsEpochDashSequence() {
        assertEquals("epochA-42", EventId.format("epochA", 42));
        assertEquals("epochA-0", new EventId("epochA", 0).toString());
    }

    @Test
    void parsesWhatItFormats() {
        assertEquals(new EventId("lqz3k1", 7), EventId.parse(EventId.format("lqz3k1", 7)));
        assertEquals(new EventId("e", Long.MAX_VALUE), EventId.parse("e-" + Long.MAX_VALUE));
        assertEquals(new EventId("e", 0), EventId.parse("e-0"));
    }

    @Test
    void theLastDashSeparatesSoEpochsMayContainDashes() {
        assertEquals(new EventId("2026-11-boot", 15), EventId.parse("2026-11-boot-15"));
        // "a--1" is epoch "a-" and sequence 1, never a negative sequence
        assertEquals(new EventId("a-", 1), EventId.parse("a--1"));
    }

    @Test
    void acceptsUpTo64Characters() {
        String epoch = "e".repeat(61);
        assertEquals(new EventId(epoch, 12), EventId.parse(epoch + "-12"));
        assertNull(EventId.parse(epoch + "-123"), "65 characters");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"garbage", "-5", "epochA-", "epochA-x", "epochA-1x", "epochA-1.5", "epochA- 1",
            "epochA-0x10", "epochA-99999999999999999999", "-"})
    void rejectsMalformedIds(String text) {
        assertNull(EventId.parse(text), "'" + text + "' must not parse");
    }
}
