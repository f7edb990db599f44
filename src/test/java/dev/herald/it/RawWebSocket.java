package dev.herald.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * A minimal RFC 6455 client on a plain socket that sends whatever frames it is told to — masked or not, any
 * opcode, reserved bits, any length — so tests see what the container and Herald make of them. Pings from
 * the server are answered with pongs while it reads.
 */
final class RawWebSocket implements AutoCloseable {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** How the session ended: the server's close code (-1: the connection ended without a close frame). */
    record Closed(int code, String reason, List<String> texts) {
        @Override
        public String toString() {
            return (code < 0 ? "no close frame" : "close " + code + " " + reason) + " after texts "
                    + texts.stream().map(t -> t.substring(0, Math.min(80, t.length()))).toList();
        }
    }

    /** How long awaitText and awaitClose wait. */
    private static final long TIMEOUT_NANOS = 20_000_000_000L;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final List<String> texts = new ArrayList<>();

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Handshakes {@code GET pathAndQuery}; fails unless the server answers 101. */
    static RawWebSocket open(int port, String pathAndQuery) {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(20_000);
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(nonce) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            RawWebSocket ws = new RawWebSocket(socket);
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = ws.in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            if (!head.toString().startsWith("HTTP/1.1 101")) {
                socket.close();
                throw new AssertionError("WebSocket handshake for " + pathAndQuery + " answered: " + head);
            }
            return ws;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One frame: FIN, reserved bits (0–7), opcode, masked with a random key unless {@code masked} is false. */
    void send(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
        int mask = masked ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(mask | payload.length);
        } else if (payload.length < 65536) {
            frame.write(mask | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(mask | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        byte[] data = payload;
        if (masked) {
            byte[] key = new byte[4];
            ThreadLocalRandom.current().nextBytes(key);
            frame.writeBytes(key);
            data = payload.clone();
            for (int i = 0; i < data.length; i++) {
                data[i] ^= key[i & 3];
            }
        }
        frame.writeBytes(data);
        sendRaw(frame.toByteArray());
    }

    void sendText(String text) {
        send(true, 0, TEXT, text.getBytes(StandardCharsets.UTF_8), true);
    }

    /** Bytes as they are; a server that already closed makes this a no-op (its close frame is still read). */
    void sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            // closed by the server mid-write: what it said is read by awaitClose
        }
    }

    /** Reads until a text frame satisfies the condition; null if the session ended first. */
    String awaitText(Predicate<String> condition) {
        int seen = 0;
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            for (; seen < texts.size(); seen++) {
                if (condition.test(texts.get(seen))) {
                    return texts.get(seen);
                }
            }
            if (readFrame() != null) {
                return null;
            }
        }
        return null;
    }

    /** Reads frames until the server closes; its code and reason, and every text frame read. */
    Closed awaitClose() {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        Closed closed;
        while ((closed = readFrame()) == null) {
            // pings keep the socket busy: only a deadline ends a session that never closes
            if (System.nanoTime() > deadline) {
                return new Closed(-2, "no close within 20 s", texts());
            }
        }
        return closed;
    }

    List<String> texts() {
        return List.copyOf(texts);
    }

    /** One frame; null unless it ended the session (a close frame, the end of the stream or a timeout). */
    private Closed readFrame() {
        try {
            ServerFrame frame = ServerFrame.read(in);
            if (frame == null) {
                return new Closed(-1, "end of stream", texts());
            }
            switch (frame.opcode()) {
                case TEXT -> texts.add(frame.text());
                case PING -> send(true, 0, PONG, frame.payload(), true);
                case CLOSE -> {
                    return new Closed(frame.closeCode(), frame.closeReason(), texts());
                }
                default -> {
                    // pongs, continuation of server messages (Herald sends whole frames)
                }
            }
            return null;
        } catch (SocketTimeoutException e) {
            return new Closed(-2, "no frame within 20 s", texts());
        } catch (EOFException e) {
            return new Closed(-1, "end of stream", texts());
        } catch (IOException e) {
            return new Closed(-1, e.toString(), texts());
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
