package dev.herald.it;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.hub.Topics;
import dev.herald.security.TestTokens;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.herald.it.FuzzRun.expect;
import static dev.herald.it.FuzzRun.heraldAnswer;

/**
 * Categories 3, 5 and 6 of {@link FuzzIT}: huge and countless headers (the container's answer), odd topic
 * names on publish, SSE and WebSocket ({@link Topics#problemWith} decides), and tokens that must not pass.
 */
final class FuzzRequests {
    static final String PRIVATE_TOPIC = "private.fuzz";
    /** Pieces of hostile topic names: NUL, dot segments, slashes, RTL and zero-width marks, emoji, spaces, reserved names. */
    private static final String[] NAME_PIECES = {"\u0000", "..", ".", "/", "a/b", "\u202e", "\u200f", "\u200b", "😀", " ", "a b",
            "\t", "message", "error", "open", "herald.", "herald.x", "\\", "?", "#", "%", "+", ";", "é", "\u0430", "ok", "Fz-9",
            "_", "-", "~", "*", ":", "\r\n", "\"", "'", "<script>", "\u00ad", "\ufeff"};

    private final int port;
    private final boolean wildFly;
    /** Keys of another issuer: RS256 and ES256 tokens Herald has no key for. */
    private final TestTokens foreign = new TestTokens();
    private final TestTokens tokens = new TestTokens();

    FuzzRequests(int port, boolean wildFly) {
        this.port = port;
        this.wildFly = wildFly;
    }

    /**
     * Category 3. Measured: Grizzly (Payara) refuses a header block over 8 KiB or more than 100 headers with
     * 400 and closes; Undertow (WildFly) takes up to 64 KiB of headers (max-header-size, configure.cli; its default
     * is 1 MiB) and 200 headers (max-headers), beyond that 400. Herald never sees the refused ones; the accepted
     * ones publish (202).
     */
    List<FuzzRun.Case> headers(Random random, int count) {
        List<FuzzRun.Case> cases = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int kind = i < 4 ? i : random.nextInt(4);
            Map<String, String> headers = new LinkedHashMap<>();
            String name;
            boolean accepted;
            switch (kind) {
                case 0 -> {
                    int size = 64 * 1024 + random.nextInt(900 * 1024 - 64 * 1024);
                    headers.put("X-Fuzz", "h".repeat(size));
                    name = "one header of " + size + " bytes";
                    accepted = false;
                }
                case 1 -> {
                    int size = 1024 * 1024 + random.nextInt(256 * 1024);
                    headers.put("X-Fuzz", "h".repeat(size));
                    name = "one header of " + size + " bytes";
                    accepted = false;
                }
                case 2 -> {
                    int many = 120 + random.nextInt(70);
                    for (int h = 0; h < many; h++) {
                        headers.put("X-Fuzz-" + h, Integer.toString(random.nextInt()));
                    }
                    name = many + " headers";
                    accepted = wildFly;
                }
                default -> {
                    int many = 250 + random.nextInt(5000);
                    for (int h = 0; h < many; h++) {
                        headers.put("X-Fuzz-" + h, "v");
                    }
                    name = many + " headers";
                    accepted = false;
                }
            }
            headers.put("Authorization", "Bearer " + HeraldServer.TOKEN);
            headers.put("Content-Type", "application/json");
            cases.add(new FuzzRun.Case(name, () -> {
                RawHttp.Answer answer = RawHttp.exchange(port,
                        RawHttp.request("POST", "/api/topics/fuzz.headers", headers, FuzzBodies.utf8("{\"h\":1}")));
                if (accepted) {
                    return heraldAnswer(answer, 202, null, null);
                }
                expect(answer.closedWithoutAnswer() || (answer.status() == 400 && !answer.fromHerald()),
                        "expected the container's 400 (or a close), got " + answer);
                return null;
            }));
        }
        return cases;
    }

    /** Category 5: one third each on publish, SSE and WebSocket. */
    List<FuzzRun.Case> topics(Random random, int count) {
        List<FuzzRun.Case> cases = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String topic = i == 0 ? "" : i == 1 ? "t".repeat(300) : i == 2 ? "t".repeat(128) : topicName(random);
            boolean valid = Topics.problemWith(topic) == null;
            String shown = "topic '" + printable(topic) + "'";
            switch (i % 3) {
                case 0 -> cases.add(new FuzzRun.Case("publish to " + shown, () -> {
                    RawHttp.Answer answer = RawHttp.exchange(port, RawHttp.request("POST", "/api/topics/" + pathSegment(topic),
                            Map.of("Authorization", "Bearer " + HeraldServer.TOKEN, "Content-Type", "application/json"),
                            FuzzBodies.utf8("{}")));
                    if (topic.isEmpty()) {
                        // /api/topics/ names no resource: JAX-RS answers 404 before Herald's code runs
                        return heraldAnswer(answer, 404, null, null);
                    }
                    if (!wildFly && (topic.contains("\u0000") || topic.contains("\\")) && !answer.fromHerald()) {
                        // Grizzly refuses %00 and %5C in a path itself: 400 "Invalid URI"
                        return heraldAnswer(answer, 400, null, null);
                    }
                    return valid ? heraldAnswer(answer, 202, null, null) : heraldAnswer(answer, 400, "invalid-topic", "publish");
                }));
                case 1 -> cases.add(new FuzzRun.Case("SSE on " + shown, () -> {
                    RawHttp.Answer answer = RawHttp.exchange(port, RawHttp.request("GET", "/api/events?topic="
                            + URLEncoder.encode(topic, StandardCharsets.UTF_8), Map.of(), null), 0, body -> body.contains(": subscribed"));
                    if (!valid) {
                        return heraldAnswer(answer, 400, "invalid-topic", "sse");
                    }
                    heraldAnswer(answer, 200, null, null);
                    expect(answer.body().contains(": subscribed " + topic), "no subscribed comment: " + answer);
                    return null;
                }));
                default -> cases.add(new FuzzRun.Case("WebSocket on " + shown, () -> {
                    try (RawWebSocket ws = RawWebSocket.open(port, "/ws/events?topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8))) {
                        if (valid) {
                            String subscribed = ws.awaitText(text -> text.contains("\"subscribed\""));
                            expect(subscribed != null && subscribed.contains(FuzzStreams.jsonString(topic)), "not subscribed: " + ws.texts());
                            return null;
                        }
                        RawWebSocket.Closed closed = ws.awaitClose();
                        expect(closed.code() == 1008 && "invalid-topic".equals(FuzzRun.errorOf(closed.reason())),
                                "expected close 1008 invalid-topic, got " + closed);
                        return "ws";
                    }
                }));
            }
        }
        return cases;
    }

    /** Category 6: tokens on publish (even cases) and on a private SSE subscription (odd cases). */
    List<FuzzRun.Case> tokens(Random random, int count) {
        List<FuzzRun.Case> cases = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int kind = i < 16 ? i : random.nextInt(16);
            boolean publish = i % 2 == 0;
            String[] token = badToken(random, kind, publish);
            String authorization = token[1];
            String expected = token[2];
            cases.add(new FuzzRun.Case((publish ? "publish with " : "SSE private topic with ") + token[0], () -> {
                Map<String, String> headers = new LinkedHashMap<>();
                if (authorization != null) {
                    headers.put("Authorization", authorization);
                }
                RawHttp.Answer answer;
                if (publish) {
                    headers.put("Content-Type", "application/json");
                    answer = RawHttp.exchange(port, RawHttp.request("POST", "/api/topics/fuzz.auth", headers, FuzzBodies.utf8("{}")));
                } else {
                    answer = RawHttp.exchange(port, RawHttp.request("GET", "/api/events?topic=" + PRIVATE_TOPIC, headers, null),
                            0, body -> body.contains(": subscribed"));
                }
                String endpoint = heraldAnswer(answer, expected.equals("insufficient-scope") ? 403 : 401, expected,
                        publish ? "publish" : "sse");
                String challenge = switch (expected) {
                    case "invalid-token" -> "Bearer error=\"invalid_token\"";
                    case "insufficient-scope" -> "Bearer error=\"insufficient_scope\"";
                    default -> "Bearer";
                };
                expect(challenge.equals(answer.header("www-authenticate")), "WWW-Authenticate " + answer.header("www-authenticate"));
                return endpoint;
            }));
        }
        return cases;
    }

    /** What the token is, the Authorization header (null: none), the reason Herald must give. */
    private String[] badToken(Random random, int kind, boolean publish) {
        JWTClaimsSet.Builder claims = TestTokens.claims("fuzz-" + random.nextInt(1000), List.of("*"), List.of("*"));
        String invalid = "invalid-token";
        return switch (kind) {
            case 0 -> new String[] {"alg none", "Bearer " + TestTokens.unsigned(claims), invalid};
            case 1 -> {
                byte[] secret = new byte[32 + random.nextInt(32)];
                random.nextBytes(secret);
                yield new String[] {"HS256 with another secret", "Bearer " + TestTokens.hs256(secret, claims), invalid};
            }
            case 2 -> new String[] {"RS256 of a key Herald does not know", "Bearer " + foreign.rs256(claims), invalid};
            case 3 -> new String[] {"ES256 of a key Herald does not know", "Bearer " + foreign.es256(claims), invalid};
            case 4 -> new String[] {"an expired token", "Bearer " + tokens.hs256(claims.expirationTime(
                    Date.from(Instant.now().minusSeconds(31 + random.nextInt(86_400))))), invalid};
            case 5 -> new String[] {"a token not valid yet", "Bearer " + tokens.hs256(claims.notBeforeTime(
                    Date.from(Instant.now().plusSeconds(60 + random.nextInt(86_400))))), invalid};
            case 6 -> new String[] {"a token without exp", "Bearer " + tokens.hs256(claims.expirationTime(null)), invalid};
            case 7 -> new String[] {"a tampered token", "Bearer " + TestTokens.tampered(tokens.hs256(claims)), invalid};
            case 8 -> new String[] {"three random segments", "Bearer " + segment(random) + "." + segment(random) + "."
                    + segment(random), invalid};
            case 9 -> new String[] {"printable garbage", "Bearer " + printableGarbage(random, 1 + random.nextInt(300)), invalid};
            case 10 -> new String[] {"a huge token", "Bearer " + printableGarbage(random, 2000 + random.nextInt(4000)), invalid};
            case 11 -> new String[] {"an empty Bearer", "Bearer ", "unauthorized"};
            case 12 -> new String[] {"Basic credentials", "Basic " + Base64.getEncoder().encodeToString(
                    FuzzBodies.utf8("user:" + random.nextInt())), "unauthorized"};
            case 13 -> new String[] {"lower-case bearer and garbage", "bearer " + segment(random), invalid};
            case 14 -> new String[] {"a valid token of another scope", "Bearer " + tokens.hs256(TestTokens.claims("fuzz",
                    List.of("other.*"), List.of("private.other"))), "insufficient-scope"};
            default -> new String[] {"no Authorization", null, "unauthorized"};
        };
    }

    private String topicName(Random random) {
        StringBuilder name = new StringBuilder();
        for (int pieces = 1 + random.nextInt(3); pieces > 0; pieces--) {
            name.append(random.nextInt(4) == 0 ? "fuzz" + random.nextInt(1000) : NAME_PIECES[random.nextInt(NAME_PIECES.length)]);
        }
        return name.toString();
    }

    /** Every character but letters, digits, '-' and '_' percent-encoded (dots too, so no path segment is "." or ".."). */
    static String pathSegment(String name) {
        StringBuilder path = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                path.append(c);
            } else {
                path.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return path.toString();
    }

    private static String segment(Random random) {
        byte[] bytes = new byte[1 + random.nextInt(200)];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String printableGarbage(Random random, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append((char) ('!' + random.nextInt(94)));
        }
        return text.toString();
    }

    static String printable(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "…(" + text.length() + ")" : text;
        StringBuilder out = new StringBuilder();
        shown.codePoints().forEach(c -> out.append(c < 0x20 || c == 0x7f || (c >= 0x200b && c <= 0x202e) || c == 0xfeff || c == 0xad
                ? String.format("\\u%04x", c) : new String(Character.toChars(c))));
        return out.toString();
    }
}
