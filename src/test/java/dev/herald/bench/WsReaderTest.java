package dev.herald.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WsReaderTest {
    private static final int TEXT = 0x1;
    private static final int CONTINUATION = 0x0;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;
    private static final byte[] MASK = {0x37, (byte) 0xfa, 0x21, 0x3d};

    /** Records what the reader reports, one string per call. */
    private static final class Calls implements WsReader.Listener {
        final List<String> seen = new ArrayList<>();

        @Override
        public void text(String message) {
            seen.add("text " + message);
        }

        @Override
        public void ping(byte[] payload) {
            seen.add("ping " + new String(payload, StandardCharsets.UTF_8));
        }

        @Override
        public void close(int code, String reason) {
            seen.add("close " + code + " " + reason);
        }
    }

    /** One RFC 6455 frame; {@code mask} null for an unmasked (server) frame. */
    private static byte[] frame(boolean fin, int opcode, byte[] payload, byte[] mask) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        int maskBit = mask == null ? 0 : 0x80;
        if (payload.length < 126) {
            out.write(maskBit | payload.length);
        } else if (payload.length <= 0xffff) {
            out.write(maskBit | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xff);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        if (mask == null) {
            out.writeBytes(payload);
        } else {
            out.writeBytes(mask);
            for (int i = 0; i < payload.length; i++) {
                out.write(payload[i] ^ mask[i & 3]);
            }
        }
        return out.toByteArray();
    }

    private static byte[] text(String message) {
        return frame(true, TEXT, utf8(message), null);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] closePayload(int code, String reason) {
        return concat(new byte[] {(byte) (code >>> 8), (byte) code}, utf8(reason));
    }

    private static List<String> read(byte[]... pieces) throws IOException {
        WsReader reader = new WsReader();
        Calls calls = new Calls();
        for (byte[] piece : pieces) {
            ByteBuffer buffer = ByteBuffer.wrap(piece);
            reader.feed(buffer, calls);
            assertFalse(buffer.hasRemaining(), "the reader keeps what it needs, the buffer is reused");
        }
        return calls.seen;
    }

    /** The same calls whether the bytes arrive at once, split in two at any offset, or one by one. */
    private static void assertAnySplit(List<String> expected, byte[] wire) throws IOException {
        assertEquals(expected, read(wire), "in one read");
        for (int at = 0; at <= wire.length; at++) {
            assertEquals(expected, read(Arrays.copyOfRange(wire, 0, at), Arrays.copyOfRange(wire, at, wire.length)),
                    "split at " + at);
        }
        byte[][] single = new byte[wire.length][];
        for (int i = 0; i < wire.length; i++) {
            single[i] = new byte[] {wire[i]};
        }
        assertEquals(expected, read(single), "byte by byte");
    }

    @Test
    void unmaskedTextFrame() throws IOException {
        byte[] wire = text("{\"sent\":1,\"seq\":1}");
        assertEquals(0x81, wire[0] & 0xff);
        assertEquals(List.of("text {\"sent\":1,\"seq\":1}"), read(wire));
    }

    @Test
    void severalFramesInOneRead() throws IOException {
        assertEquals(List.of("text a", "text b", "text c"), read(concat(text("a"), text("b"), text("c"))));
    }

    @Test
    void frameSplitAtEveryOffset() throws IOException {
        assertAnySplit(List.of("text hello, wörld", "text 2"), concat(text("hello, wörld"), text("2")));
    }

    @Test
    void extendedSixteenBitLength() throws IOException {
        String message = "x".repeat(300) + "é";
        byte[] wire = text(message);
        assertEquals(126, wire[1] & 0x7f, "the 16-bit length form");
        assertAnySplit(List.of("text " + message), wire);
    }

    @Test
    void sixteenBitLengthIsUnsigned() throws IOException {
        // 40 000 has the top bit of the 16-bit length set: read as a signed short it would be negative
        String message = "y".repeat(40_000);
        assertEquals(List.of("text " + message), read(text(message)));
    }

    @Test
    void extendedSixtyFourBitLength() throws IOException {
        String message = "z".repeat(70_000);
        byte[] wire = text(message);
        assertEquals(127, wire[1] & 0x7f);
        assertEquals(List.of("text " + message), read(Arrays.copyOfRange(wire, 0, 5),
                Arrays.copyOfRange(wire, 5, 40_000), Arrays.copyOfRange(wire, 40_000, wire.length)));
    }

    @Test
    void frameLargerThanOneMebibyteIsRejected() {
        byte[] head = {(byte) 0x81, 127, 0, 0, 0, 0, 0, 0x10, 0, 1};
        assertThrows(IOException.class, () -> read(head));
    }

    @Test
    void sixtyFourBitLengthWithTheTopBitSetIsRejected() {
        // RFC 6455 5.2: the most significant bit must be 0; as a signed long this length is negative
        byte[] head = {(byte) 0x81, 127, (byte) 0x80, 0, 0, 0, 0, 0, 0, 5, 'a', 'b', 'c', 'd', 'e'};
        assertThrows(IOException.class, () -> read(head));
    }

    @Test
    void fragmentedMessageIsDeliveredOnceJoined() throws IOException {
        byte[] wire = concat(frame(false, TEXT, utf8("{\"sent\":1,"), null),
                frame(false, CONTINUATION, utf8("\"seq\""), null),
                frame(true, CONTINUATION, utf8(":1}"), null));
        assertAnySplit(List.of("text {\"sent\":1,\"seq\":1}"), wire);
    }

    @Test
    void fragmentsMaySplitACharacter() throws IOException {
        // RFC 6455 5.6: only the whole message must be valid UTF-8; a fragment may end inside "é" (C3 A9)
        byte[] message = utf8("café");
        byte[] wire = concat(frame(false, TEXT, Arrays.copyOfRange(message, 0, 4), null),
                frame(true, CONTINUATION, Arrays.copyOfRange(message, 4, message.length), null));
        assertEquals(List.of("text café"), read(wire));
    }

    @Test
    void pingBetweenFragmentsIsAnsweredAtOnce() throws IOException {
        // control frames may be interleaved with a fragmented message (RFC 6455 5.4)
        byte[] wire = concat(frame(false, TEXT, utf8("ab"), null), frame(true, PING, utf8("p"), null),
                frame(true, CONTINUATION, utf8("cd"), null), text("next"));
        assertEquals(List.of("ping p", "text abcd", "text next"), read(wire));
    }

    @Test
    void pingHandsOverItsPayload() throws IOException {
        assertAnySplit(List.of("ping heartbeat-1"), frame(true, PING, utf8("heartbeat-1"), null));
        assertEquals(List.of("ping "), read(frame(true, PING, new byte[0], null)));
    }

    @Test
    void pongAndBinaryFramesAreIgnored() throws IOException {
        assertEquals(List.of("text after"), read(concat(frame(true, PONG, utf8("x"), null),
                frame(true, 0x2, new byte[] {1, 2, 3}, null), text("after"))));
    }

    @Test
    void closeFrameCarriesCodeAndReason() throws IOException {
        assertAnySplit(List.of("close 1001 server shutting down"),
                frame(true, CLOSE, closePayload(1001, "server shutting down"), null));
        assertEquals(List.of("close 4000 "), read(frame(true, CLOSE, closePayload(4000, ""), null)),
                "4000 is 0F A0: the low byte has its top bit set and must not be sign-extended");
    }

    @Test
    void closeFrameWithoutPayloadIs1005() throws IOException {
        assertEquals(List.of("close 1005 "), read(frame(true, CLOSE, new byte[0], null)));
    }

    @Test
    void maskedFramesAreUnmasked() throws IOException {
        byte[] wire = concat(frame(true, TEXT, utf8("masked message, longer than the mask"), MASK),
                frame(true, CLOSE, closePayload(1000, "bye"), MASK));
        assertAnySplit(List.of("text masked message, longer than the mask", "close 1000 bye"), wire);
    }

    @Test
    void maskedExtendedLengthFrame() throws IOException {
        String message = "m".repeat(200);
        assertAnySplit(List.of("text " + message), frame(true, TEXT, utf8(message), MASK));
    }

    @Test
    void clientFrameIsMaskedAndReadsBack() throws IOException {
        byte[] payload = utf8("pong payload");
        ByteBuffer frame = WsReader.clientFrame(PING, payload, MASK);
        byte[] wire = new byte[frame.remaining()];
        frame.get(wire);
        assertEquals(0x80 | PING, wire[0] & 0xff, "FIN and the opcode");
        assertEquals(0x80 | payload.length, wire[1] & 0xff, "the mask bit and the length");
        assertEquals(List.of(MASK[0], MASK[1], MASK[2], MASK[3]), List.of(wire[2], wire[3], wire[4], wire[5]));
        assertFalse(Arrays.equals(payload, Arrays.copyOfRange(wire, 6, wire.length)), "the payload is masked");
        assertEquals(List.of("ping pong payload"), read(wire));
    }

    @Test
    void clientFrameOfTheLargestControlPayload() throws IOException {
        ByteBuffer frame = WsReader.clientFrame(TEXT, utf8("c".repeat(125)), MASK);
        byte[] wire = new byte[frame.remaining()];
        frame.get(wire);
        assertEquals(6 + 125, wire.length);
        assertEquals(List.of("text " + "c".repeat(125)), read(wire));
    }

    @Test
    void clientFrameRejectsMoreThan125Bytes() {
        assertThrows(IllegalArgumentException.class, () -> WsReader.clientFrame(PONG, new byte[126], MASK));
    }
}
