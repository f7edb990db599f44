package dev.herald.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.herald.it.FuzzRun.expect;
import static dev.herald.it.FuzzRun.heraldAnswer;

/**
 * Category 7 of {@link FuzzIT}: connections that send nothing, half a request, or close their write side;
 * slow writers whose headers trickle in byte by byte; slow readers that never read while events flow. The
 * idle and half-open sockets and the stalled readers stay open until {@link #close()}: the test first checks
 * that the server closed the readers itself, then that every socket is gone on the server after close.
 */
final class FuzzConnections implements AutoCloseable {
    static final String FLOOD_TOPIC = "fuzz.flood";

    private final HeraldServer server;
    private final List<Socket> held = Collections.synchronizedList(new ArrayList<>());
    private final List<StalledClient> stalled = Collections.synchronizedList(new ArrayList<>());

    FuzzConnections(HeraldServer server) {
        this.server = server;
    }

    /** Category 7; {@code slowReaders} of them are stalled readers of {@link #FLOOD_TOPIC} (half SSE, half WebSocket). */
    List<FuzzRun.Case> cases(Random random, int count, int slowReaders) {
        List<FuzzRun.Case> cases = new ArrayList<>();
        for (int i = 0; i < slowReaders; i++) {
            boolean ws = i % 2 == 1;
            cases.add(new FuzzRun.Case((ws ? "WebSocket" : "SSE") + " reader that never reads", () -> {
                stalled.add(ws ? StalledClient.ws(server, "topic=" + FLOOD_TOPIC) : StalledClient.sse(server, "topic=" + FLOOD_TOPIC));
                return null;
            }));
        }
        for (int i = slowReaders; i < count; i++) {
            int kind = i - slowReaders < 7 ? i - slowReaders : random.nextInt(7);
            String partial = "GET /api/events?topic=fuzz.live HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/ev"
                    .substring(0, 1 + random.nextInt(60));
            cases.add(switch (kind) {
                case 0 -> new FuzzRun.Case("connects and sends nothing", () -> {
                    held.add(connect());
                    return null;
                });
                case 1 -> new FuzzRun.Case("sends " + partial.length() + " bytes of a request and stops", () -> {
                    Socket socket = connect();
                    held.add(socket);
                    socket.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));
                    return null;
                });
                case 2 -> halfClosed("half a request, then closes its write side", partial.getBytes(StandardCharsets.US_ASCII), null);
                case 3 -> halfClosed("closes its write side at once", new byte[0], null);
                case 4 -> halfClosed("a whole request, then closes its write side", RawHttp.request("GET", "/api/topics/fuzz.live",
                        Map.of(), null), 200);
                case 5 -> halfClosed("a body shorter than its Content-Length, then closes its write side", ("POST /api/topics/fuzz.half"
                        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + HeraldServer.TOKEN
                        + "\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{\"a\"").getBytes(StandardCharsets.US_ASCII), -1);
                default -> slowWriter(random);
            });
        }
        return cases;
    }

    /** Headers one byte at a time over about 2 s, the body at once: an ordinary answer. */
    private FuzzRun.Case slowWriter(Random random) {
        boolean publish = random.nextBoolean();
        byte[] request = publish
                ? RawHttp.request("POST", "/api/topics/fuzz.slow", Map.of("Authorization", "Bearer " + HeraldServer.TOKEN,
                "Content-Type", "application/json"), FuzzBodies.utf8("{\"slow\":true}"))
                : RawHttp.request("GET", "/api/topics/fuzz.live", Map.of(), null);
        int headerBytes = new String(request, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") + 4;
        long millis = 1_000 + random.nextInt(2_000);
        return new FuzzRun.Case("slow writer: " + headerBytes + " header bytes over " + millis + " ms", () -> {
            RawHttp.Answer answer = RawHttp.exchange(server.port(), request, headerBytes, millis, null);
            return heraldAnswer(answer, publish ? 202 : 200, null, null);
        });
    }

    /**
     * Sends the bytes, closes the write side and reads what comes back. {@code status}: the answer a whole
     * request must get; null: none, or the container's 4xx; -1: the request is cut short, so Herald may refuse
     * the body (400 invalid-json) or the container may close first.
     */
    private FuzzRun.Case halfClosed(String name, byte[] bytes, Integer status) {
        return new FuzzRun.Case(name, () -> {
            try (Socket socket = connect()) {
                socket.getOutputStream().write(bytes);
                socket.shutdownOutput();
                RawHttp.Answer answer = RawHttp.read(socket.getInputStream(), null);
                expect(answer.status() < 500, "5xx: " + answer);
                if (status == null) {
                    expect(answer.closedWithoutAnswer() || (answer.status() >= 400 && !answer.fromHerald()),
                            "expected the connection closed (or the container's 4xx), got " + answer);
                    return null;
                }
                if (status < 0) {
                    if (answer.fromHerald()) {
                        return heraldAnswer(answer, 400, "invalid-json", "publish");
                    }
                    expect(answer.closedWithoutAnswer() || answer.status() == 400, "expected 400 or a close, got " + answer);
                    return null;
                }
                return heraldAnswer(answer, status, null, null);
            }
        });
    }

    private Socket connect() {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            socket.setSoTimeout(20_000);
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int stalledReaders() {
        return stalled.size();
    }

    /**
     * After the server closed them: each stalled reader, reading again, drains what the server had sent and
     * then sees its connection end (a WebSocket close frame cannot overtake the backlog, README). Returns
     * what went wrong, one line per reader.
     */
    List<String> stalledReadersEnded() {
        List<String> problems = new ArrayList<>();
        synchronized (stalled) {
            for (StalledClient client : stalled) {
                try {
                    client.readUntil(message -> message.equals(StalledClient.END) || message.startsWith("close:"), 30_000);
                } catch (AssertionError e) {
                    problems.add("a stalled reader's connection did not end: " + e.getMessage());
                }
            }
        }
        return problems;
    }

    /** Closes every socket this category left open. */
    @Override
    public void close() {
        synchronized (held) {
            for (Socket socket : held) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // already closed
                }
            }
        }
        synchronized (stalled) {
            stalled.forEach(StalledClient::close);
        }
    }
}
