package dev.herald.it;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.herald.it.FuzzRun.errorOf;
import static dev.herald.it.FuzzRun.expect;
import static dev.herald.it.FuzzRun.heraldAnswer;

/**
 * Categories 4 and 8 of {@link FuzzIT}: resume positions that cannot be continued (README "Event ids, resume
 * and reset": a reset first, then what is retained), and WebSocket frames from a raw RFC 6455 client.
 */
final class FuzzStreams {
    static final String RESUME_TOPIC = "fuzz.resume";
    static final String FRAMES_TOPIC = "fuzz.frames";
    private static final String[] UNICODE = {"\u202e", "😀", "é", "\u0000", "\u200b", "\ufeff", "-", "1", "\n", "%", "&", "="};

    private final int port;
    private final boolean wildFly;
    private final int maxEventBytes;
    /** The events of {@link #RESUME_TOPIC}, oldest first. */
    private final List<String> retained;
    final AtomicInteger resets = new AtomicInteger();

    FuzzStreams(int port, boolean wildFly, int maxEventBytes, List<String> retained) {
        this.port = port;
        this.wildFly = wildFly;
        this.maxEventBytes = maxEventBytes;
        this.retained = retained;
    }

    static String jsonString(String text) {
        return "\"" + text + "\"";
    }

    /** Category 4: SSE Last-Event-ID header, SSE lastEventId query parameter, WebSocket lastEventId. */
    List<FuzzRun.Case> resumes(Random random, int count) {
        String last = retained.get(retained.size() - 1);
        String epoch = last.substring(0, last.indexOf('-'));
        long sequence = Long.parseLong(last.substring(last.indexOf('-') + 1));
        List<FuzzRun.Case> cases = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int kind = i < 9 ? i : random.nextInt(9);
            int transport = i % 3;
            int maxLength = transport == 0 ? 3000 : 600;
            String generated = switch (kind) {
                case 0 -> garbage(random, 1 + random.nextInt(maxLength));
                case 1 -> "-" + (1 + random.nextInt(Integer.MAX_VALUE));
                case 2 -> "9".repeat(20 + random.nextInt(400));
                case 3 -> otherEpoch(random, epoch) + "-" + random.nextInt(1000);
                case 4 -> epoch + "-" + (sequence + 1_000_000_000L + random.nextInt(Integer.MAX_VALUE));
                case 5 -> epoch + List.of("-", "--5", "-0x10", "-1e3", "-4_0", "- 7", "-" + sequence + ".0").get(random.nextInt(7));
                // not a digit: the last id and a digit may name a position that exists by now (on another topic)
                case 6 -> last + "xyz!~/#".charAt(random.nextInt(7));
                case 7 -> transport == 0 ? garbage(random, 50) : unicode(random);
                default -> retained.get(0);
            };
            // a blank position is no position (SubscribeRequest): the stream starts live, without a reset
            String id = generated.isBlank() ? generated + "z" : generated;
            boolean exact = kind == 8;
            String shown = (transport == 0 ? "SSE Last-Event-ID " : transport == 1 ? "SSE ?lastEventId= " : "WebSocket lastEventId ")
                    + FuzzRequests.printable(id);
            cases.add(new FuzzRun.Case(shown, () -> {
                List<String> frames = transport == 2 ? wsResume(id) : sseResume(id, transport == 0);
                if (exact) {
                    expect(frames.equals(retained.subList(1, retained.size())), "an exact resume replays what followed: " + frames);
                } else {
                    List<String> expected = new ArrayList<>(List.of("reset"));
                    expected.addAll(retained);
                    expect(frames.equals(expected), "expected a reset, then " + retained + "; got " + frames);
                    resets.incrementAndGet();
                }
                return null;
            }));
        }
        return cases;
    }

    /** What an SSE resume received, in order: "reset" for a herald.reset of the topic, event ids. */
    private List<String> sseResume(String id, boolean header) {
        String last = retained.get(retained.size() - 1);
        String target = "/api/events?topic=" + RESUME_TOPIC + (header ? "" : "&lastEventId=" + URLEncoder.encode(id, StandardCharsets.UTF_8));
        RawHttp.Answer answer = RawHttp.exchange(port, RawHttp.request("GET", target,
                header ? Map.of("Last-Event-ID", id) : Map.of(), null), 0, body -> body.contains("id: " + last + "\n"));
        heraldAnswer(answer, 200, null, null);
        List<String> frames = new ArrayList<>();
        String event = null;
        for (String line : answer.body().split("\n")) {
            if (line.startsWith("event: ")) {
                event = line.substring(7).trim();
            } else if (line.startsWith("id: ")) {
                frames.add(line.substring(4).trim());
            } else if (line.startsWith("data: ") && "herald.reset".equals(event)) {
                expect(line.contains("\"topics\":[\"" + RESUME_TOPIC + "\"]"), "reset of another topic: " + line);
                frames.add("reset");
            } else if (line.isEmpty()) {
                event = null;
            }
        }
        return frames;
    }

    private List<String> wsResume(String id) {
        String last = retained.get(retained.size() - 1);
        try (RawWebSocket ws = RawWebSocket.open(port, "/ws/events?topic=" + RESUME_TOPIC + "&lastEventId="
                + URLEncoder.encode(id, StandardCharsets.UTF_8))) {
            expect(ws.awaitText(text -> text.contains("\"id\":\"" + last + "\"")) != null, "no replay: " + ws.texts());
            List<String> frames = new ArrayList<>();
            for (String text : ws.texts()) {
                if (text.startsWith("{\"type\":\"reset\"")) {
                    expect(text.contains("\"topics\":[\"" + RESUME_TOPIC + "\"]"), "reset of another topic: " + text);
                    frames.add("reset");
                } else if (text.startsWith("{\"id\":")) {
                    frames.add(text.substring(7, text.indexOf('"', 7)));
                }
            }
            return frames;
        }
    }

    /**
     * Category 8. Close codes measured: Tyrus (Payara) and Undertow (WildFly) both close protocol errors
     * with 1002 (reserved opcodes, reserved bits, control frames over 125 bytes or fragmented, stray
     * continuations, bad close codes) and invalid UTF-8 with 1007; Herald closes with 1009 (too large), 1003
     * (binary, not JSON, not an object, nested too deep) and 1008 (no such message type). Two differences:
     * Tyrus accepts unmasked client frames (RFC 6455 5.1 says close) and closes a single frame over its
     * 4 MiB incoming buffer with 1011 before Herald sees it; Undertow closes the former with 1002 and streams
     * the latter to Herald (1009).
     */
    List<FuzzRun.Case> frames(Random random, int count) {
        int limit = maxEventBytes + 1024;
        List<FuzzRun.Case> cases = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int kind = i < 19 ? i : random.nextInt(18);
            int size = limit + 1 + random.nextInt(1024 * 1024 - limit);
            int fragments = 2 + random.nextInt(3);
            int opcode = random.nextBoolean() ? 3 + random.nextInt(5) : 0xB + random.nextInt(5);
            int rsv = 1 + random.nextInt(7);
            String junk = "x" + FuzzRequests.printable(garbage(random, random.nextInt(200)));
            String topic = "fuzz.frag" + i;
            int depth = 101 + random.nextInt(50_000);
            int big = 4 * 1024 * 1024 + 1 + random.nextInt(1024 * 1024);
            int controlSize = 126 + random.nextInt(200);
            int code = random.nextInt(1000);
            cases.add(switch (kind) {
                case 0 -> closes("text of " + size + " bytes", ws -> ws.sendText(subscribe("a".repeat(size))), 1009, "too-large");
                case 1 -> closes("text of " + size + " bytes in " + fragments + " fragments",
                        ws -> fragmented(ws, subscribe("b".repeat(size)), fragments), 1009, "too-large");
                case 2 -> closes("binary", ws -> ws.send(true, 0, RawWebSocket.BINARY, bytes(random, 2000), true), 1003, "bad-message");
                case 3 -> replies("a subscribe in " + fragments + " fragments", ws -> fragmented(ws, subscribe(topic), fragments), topic);
                case 4 -> wildFly ? closes("an unmasked frame", ws -> ws.send(true, 0, RawWebSocket.TEXT, utf8(subscribe(topic)), false), 1002, null)
                        : replies("an unmasked frame (Tyrus accepts it)", ws -> ws.send(true, 0, RawWebSocket.TEXT, utf8(subscribe(topic)), false), topic);
                case 5 -> closes("reserved opcode " + opcode, ws -> ws.send(true, 0, opcode, utf8("{}"), true), 1002, null);
                case 6 -> closes("reserved bits " + rsv, ws -> ws.send(true, rsv, RawWebSocket.TEXT, utf8(subscribe(topic)), true), 1002, null);
                case 7 -> closes("invalid UTF-8 in text", ws -> ws.send(true, 0, RawWebSocket.TEXT,
                        new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}, true), 1007, null);
                case 8 -> closes("a ping of " + controlSize + " bytes", ws -> ws.send(true, 0, RawWebSocket.PING, new byte[controlSize], true), 1002, null);
                case 9 -> closes("a fragmented ping", ws -> ws.send(false, 0, RawWebSocket.PING, utf8("p"), true), 1002, null);
                case 10 -> closes("a continuation without a start", ws -> ws.send(true, 0, RawWebSocket.CONTINUATION, utf8("{}"), true), 1002, null);
                case 11 -> closes("a new text frame inside a fragmented message", ws -> {
                    ws.send(false, 0, RawWebSocket.TEXT, utf8("{\"type\":"), true);
                    ws.send(true, 0, RawWebSocket.TEXT, utf8("\"subscribe\"}"), true);
                }, 1002, null);
                case 12 -> closes("text that is not JSON", ws -> ws.sendText(junk), 1003, "bad-message");
                case 13 -> closes("JSON that is not an object", ws -> ws.sendText(List.of("[1,2]", "42", "\"subscribe\"", "null",
                        "true").get(random.nextInt(5))), 1003, "bad-message");
                case 14 -> closes("an unknown message", ws -> ws.sendText(List.of("{\"type\":\"frobnicate\",\"topics\":[\"a\"]}",
                        "{\"type\":\"subscribe\"}", "{\"type\":\"subscribe\",\"topics\":[1]}", "{\"topics\":[\"a\"]}", "{}")
                        .get(random.nextInt(5))), 1008, "bad-message");
                case 15 -> closes("JSON nested " + depth + " deep", ws -> ws.sendText("[".repeat(depth) + "]".repeat(depth)), 1003, "bad-message");
                case 16 -> closes("close code " + code, ws -> ws.send(true, 0, RawWebSocket.CLOSE, new byte[] {(byte) (code >> 8), (byte) code}, true), 1002, null);
                case 17 -> replies("a ping, then a subscribe", ws -> {
                    ws.send(true, 0, RawWebSocket.PING, utf8("hello"), true);
                    ws.sendText(subscribe(topic));
                }, topic);
                default -> wildFly ? closes("one frame of " + big + " bytes", ws -> ws.sendText(subscribe("c".repeat(big))), 1009, "too-large")
                        : closes("one frame of " + big + " bytes (over Tyrus' 4 MiB buffer)", ws -> ws.sendText(subscribe("c".repeat(big))), 1011, null);
            });
        }
        return cases;
    }

    private interface Frames {
        void send(RawWebSocket ws);
    }

    /** The server must close with this code (and Herald's JSON reason, counted, when reason is not null). */
    private FuzzRun.Case closes(String name, Frames frames, int code, String reason) {
        return new FuzzRun.Case(name, () -> {
            try (RawWebSocket ws = subscribed()) {
                frames.send(ws);
                RawWebSocket.Closed closed = ws.awaitClose();
                expect(closed.code() == code && (reason == null || reason.equals(errorOf(closed.reason()))),
                        "expected close " + code + (reason == null ? "" : " " + reason) + ", got " + closed);
                return reason == null ? null : "ws";
            }
        });
    }

    /** The session must stay open and confirm the subscription to {@code topic}. */
    private FuzzRun.Case replies(String name, Frames frames, String topic) {
        return new FuzzRun.Case(name, () -> {
            try (RawWebSocket ws = subscribed()) {
                frames.send(ws);
                String reply = ws.awaitText(text -> text.contains("\"subscribed\"") && text.contains(jsonString(topic)));
                expect(reply != null, "no subscribed reply for " + topic + ": " + ws.texts());
                return null;
            }
        });
    }

    private RawWebSocket subscribed() {
        RawWebSocket ws = RawWebSocket.open(port, "/ws/events?topic=" + FRAMES_TOPIC);
        expect(ws.awaitText(text -> text.contains("\"subscribed\"")) != null, "no subscribed frame: " + ws.texts());
        return ws;
    }

    private static void fragmented(RawWebSocket ws, String text, int fragments) {
        byte[] all = utf8(text);
        int step = Math.max(1, all.length / fragments);
        for (int part = 0, from = 0; part < fragments; part++, from += step) {
            int to = part == fragments - 1 ? all.length : Math.min(all.length, from + step);
            byte[] piece = java.util.Arrays.copyOfRange(all, Math.min(from, all.length), to);
            ws.send(part == fragments - 1, 0, part == 0 ? RawWebSocket.TEXT : RawWebSocket.CONTINUATION, piece, true);
        }
    }

    private static String subscribe(String topic) {
        return "{\"type\":\"subscribe\",\"topics\":[\"" + topic + "\"]}";
    }

    private static String otherEpoch(Random random, String epoch) {
        String other;
        do {
            other = Long.toString(Math.abs(random.nextLong()) % 2_821_109_907_456L, 36);
        } while (other.equals(epoch));
        return other;
    }

    private static String unicode(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = 1 + random.nextInt(60); i > 0; i--) {
            text.append(UNICODE[random.nextInt(UNICODE.length)]);
        }
        return text.toString();
    }

    static String garbage(Random random, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append((char) ('!' + random.nextInt(94)));
        }
        return text.toString();
    }

    private static byte[] bytes(Random random, int max) {
        byte[] bytes = new byte[random.nextInt(max)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
