package dev.herald.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PayloadTest {

    @Test
    void encodedBodyReadsBackItsNumbers() {
        String body = Payload.encode(42, 1_750_000_000_123_456L, 0);
        assertEquals("{\"sent\":1750000000123456,\"seq\":42}", body);
        assertEquals(1_750_000_000_123_456L, Payload.number(body, Payload.SENT));
        assertEquals(42, Payload.number(body, Payload.SEQ));
    }

    @Test
    void paddingDoesNotDisturbTheNumbers() {
        String body = Payload.encode(7, 123_456, 1024);
        // the slow scenario's 1 KiB pad must actually reach the wire
        assertTrue(body.length() > 1024, body.length() + " chars");
        assertEquals(123_456, Payload.number(body, Payload.SENT));
        assertEquals(7, Payload.number(body, Payload.SEQ));
    }

    @Test
    void zeroIsANumber() {
        String body = Payload.encode(0, 0, 3);
        assertEquals(0, Payload.number(body, Payload.SENT));
        assertEquals(0, Payload.number(body, Payload.SEQ));
    }

    @Test
    void numbersAreFoundInsideHeraldsWebSocketEnvelope() {
        String frame = "{\"id\":\"e-1\",\"topic\":\"bench\",\"data\":{\"sent\":123,\"seq\":4}}";
        assertEquals(123, Payload.number(frame, Payload.SENT));
        assertEquals(4, Payload.number(frame, Payload.SEQ));
    }

    @Test
    void worksOnAnyCharSequence() {
        StringBuilder body = new StringBuilder(Payload.encode(9, 555, 0));
        assertEquals(555, Payload.number(body, Payload.SENT));
        assertEquals(9, Payload.number(body, Payload.SEQ));
    }

    @Test
    void absentFieldIsMinusOne() {
        // the demo feed's events share the topic and carry neither field
        assertEquals(-1, Payload.number("{\"price\":17}", Payload.SENT));
        assertEquals(-1, Payload.number("", Payload.SEQ));
    }

    @Test
    void fieldWithoutDigitsIsMinusOne() {
        assertEquals(-1, Payload.number("{\"sent\":\"123\"}", Payload.SENT));
        assertEquals(-1, Payload.number("{\"sent\":-5}", Payload.SENT));
        assertEquals(-1, Payload.number("{\"sent\":null}", Payload.SENT));
        assertEquals(-1, Payload.number("{\"seq\":", Payload.SEQ));
    }

    @Test
    void digitsStopAtTheFirstNonDigit() {
        assertEquals(12, Payload.number("{\"seq\":12.5}", Payload.SEQ));
    }

    @Test
    void nowIsMicrosecondsSinceTheEpoch() {
        long millis = System.currentTimeMillis();
        long micros = Payload.nowMicros();
        // same clock, different unit: a millisecond-based reading would be 1000x too small
        assertTrue(Math.abs(micros / 1000 - millis) < 5_000, micros + " µs vs " + millis + " ms");
    }
}
