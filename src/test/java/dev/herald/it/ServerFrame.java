package dev.herald.it;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** One WebSocket frame as a server sends it (unmasked), read off a raw socket by the tests' own clients. */
record ServerFrame(int opcode, byte[] payload) {
    static final int TEXT = 1;
    static final int CLOSE = 8;

    /** The next frame, or null at the end of the stream. */
    static ServerFrame read(DataInputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new ServerFrame(first & 0x0f, payload);
    }

    String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** A close frame's code (1005: none given). */
    int closeCode() {
        return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }

    String closeReason() {
        return new String(payload, Math.min(2, payload.length), Math.max(0, payload.length - 2), StandardCharsets.UTF_8);
    }
}
