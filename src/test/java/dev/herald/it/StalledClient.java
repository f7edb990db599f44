package dev.herald.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A subscriber on a raw socket with a tiny receive buffer that stops reading after it is subscribed, the
 * way a stuck browser tab or a dead mobile link behaves. Later it can read again, to see what the server
 * made of the backlog (drop signals, conflated values, a close frame).
 */
public final class StalledClient implements AutoCloseable {
    /** Marks the end of the stream in {@link #messages()}: the server closed the connection. */
    public static final String END = "<end of stream>";

    private final Socket socket;
    private final DataInputStream in;
    private final boolean websocket;
    /** Messages read so far: SSE text (dechunked) or WebSocket text frames; "close:<code>" for a close frame. */
    private final List<String> messages = new ArrayList<>();
    private final StringBuilder sseText = new StringBuilder();

    private StalledClient(Socket socket, boolean websocket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.websocket = websocket;
    }

    public static StalledClient sse(HeraldServer server, String query) {
        return open(server, "GET /api/events?" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Accept: text/event-stream\r\n\r\n", false);
    }

    public static StalledClient ws(HeraldServer server, String query) {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        StalledClient client = open(server, "GET /ws/events?" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n\r\n", true);
        // the first frame confirms the subscription; after it the client stops reading
        client.readUntil(text -> text.contains("\"subscribed\""), 30_000);
        return client;
    }

    private static StalledClient open(HeraldServer server, String request, boolean websocket) {
        try {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            StalledClient client = new StalledClient(socket, websocket);
            String status = client.readHeaders();
            String expected = websocket ? " 101 " : " 200 ";
            if (!status.contains(expected)) {
                throw new AssertionError("unexpected response: " + status);
            }
            return client;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private String readHeaders() throws IOException {
        StringBuilder headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during headers: " + headers);
            }
            headers.append((char) b);
        }
        return headers.toString();
    }

    /**
     * Reads (resuming a stalled client) until some message satisfies the condition or the connection ends;
     * returns every message read so far.
     */
    public List<String> readUntil(java.util.function.Predicate<String> condition, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        try {
            while (messages.stream().noneMatch(condition)) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new AssertionError("condition not met within " + timeoutMillis + " ms; last messages: "
                            + messages.subList(Math.max(0, messages.size() - 3), messages.size()));
                }
                socket.setSoTimeout((int) left);
                if (!(websocket ? readFrame() : readChunk())) {
                    messages.add(END);
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("condition not met within " + timeoutMillis + " ms", e);
        } catch (IOException e) {
            messages.add(END);
        }
        return List.copyOf(messages);
    }

    /** One HTTP chunk; each complete SSE frame ("\n\n"-terminated) becomes a message. */
    private boolean readChunk() throws IOException {
        String sizeLine = readLine();
        if (sizeLine == null) {
            return false;
        }
        int size = Integer.parseInt(sizeLine.trim().split(";")[0], 16);
        if (size == 0) {
            return false;
        }
        byte[] data = new byte[size];
        in.readFully(data);
        readLine();
        sseText.append(new String(data, StandardCharsets.UTF_8));
        int end;
        while ((end = sseText.indexOf("\n\n")) >= 0) {
            messages.add(sseText.substring(0, end));
            sseText.delete(0, end + 2);
        }
        return true;
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return line.toString(StandardCharsets.US_ASCII).trim();
            }
            line.write(b);
        }
        return null;
    }

    /** One server frame (unmasked); text frames and the close code become messages. */
    private boolean readFrame() throws IOException {
        ServerFrame frame = ServerFrame.read(in);
        if (frame == null) {
            return false;
        }
        if (frame.opcode() == ServerFrame.TEXT) {
            messages.add(frame.text());
        } else if (frame.opcode() == ServerFrame.CLOSE) {
            messages.add("close:" + frame.closeCode() + ":" + frame.closeReason());
            return false;
        }
        return true;
    }

    public List<String> messages() {
        return List.copyOf(messages);
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
