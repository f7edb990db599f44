package dev.herald.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads server-to-client WebSocket frames (RFC 6455; unmasked, as servers send them): text messages,
 * including fragmented ones, pings and the close frame. Keeps only an incomplete frame between reads.
 */
final class WsReader {
    interface Listener {
        void text(String message) throws IOException;

        void ping(byte[] payload) throws IOException;

        void close(int code, String reason) throws IOException;
    }

    private static final int MAX_FRAME = 1 << 20;
    private byte[] partial;
    private ByteArrayOutputStream fragments;

    void feed(ByteBuffer data, Listener listener) throws IOException {
        ByteBuffer buffer = data;
        if (partial != null) {
            ByteBuffer joined = ByteBuffer.allocate(partial.length + data.remaining());
            joined.put(partial).put(data).flip();
            buffer = joined;
            partial = null;
        }
        while (buffer.remaining() >= 2) {
            int start = buffer.position();
            int b0 = buffer.get() & 0xff;
            int b1 = buffer.get() & 0xff;
            long length = b1 & 0x7f;
            int extra = (length == 126 ? 2 : length == 127 ? 8 : 0) + ((b1 & 0x80) != 0 ? 4 : 0);
            if (buffer.remaining() < extra) {
                buffer.position(start);
                break;
            }
            if (length == 126) {
                length = buffer.getShort() & 0xffff;
            } else if (length == 127) {
                length = buffer.getLong();
            }
            if (length < 0 || length > MAX_FRAME) { // a 64-bit length with its top bit set reads negative
                throw new IOException("WebSocket frame of " + length + " bytes");
            }
            byte[] mask = null;
            if ((b1 & 0x80) != 0) {
                mask = new byte[4];
                buffer.get(mask);
            }
            if (buffer.remaining() < length) {
                buffer.position(start);
                break;
            }
            byte[] payload = new byte[(int) length];
            buffer.get(payload);
            if (mask != null) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i & 3];
                }
            }
            frame(b0, payload, listener);
        }
        if (buffer.hasRemaining()) {
            partial = new byte[buffer.remaining()];
            buffer.get(partial);
        }
    }

    private void frame(int b0, byte[] payload, Listener listener) throws IOException {
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0f;
        switch (opcode) {
            case 0x1, 0x0 -> {
                if (fin && fragments == null) {
                    listener.text(new String(payload, StandardCharsets.UTF_8));
                    return;
                }
                // bytes, not text: a fragment may end inside a UTF-8 sequence (RFC 6455 5.6)
                if (fragments == null) {
                    fragments = new ByteArrayOutputStream();
                }
                fragments.writeBytes(payload);
                if (fin) {
                    String message = fragments.toString(StandardCharsets.UTF_8);
                    fragments = null;
                    listener.text(message);
                }
            }
            case 0x8 -> {
                int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                String reason = payload.length > 2
                        ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                listener.close(code, reason);
            }
            case 0x9 -> listener.ping(payload);
            default -> {
                // pongs and binary frames carry nothing for the benchmark
            }
        }
    }

    /** A masked client frame (clients must mask, RFC 6455 5.3). */
    static ByteBuffer clientFrame(int opcode, byte[] payload, byte[] mask) {
        if (payload.length > 125) {
            throw new IllegalArgumentException("control frames carry at most 125 bytes");
        }
        ByteBuffer frame = ByteBuffer.allocate(6 + payload.length);
        frame.put((byte) (0x80 | opcode)).put((byte) (0x80 | payload.length)).put(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ mask[i & 3]));
        }
        return frame.flip();
    }
}
