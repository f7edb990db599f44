package dev.herald.it;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.stream.JsonParser;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static dev.herald.it.FuzzRun.heraldAnswer;

/**
 * Categories 1 and 2 of {@link FuzzIT}: bodies and content types for {@code POST /api/topics/{t}}, and
 * broken, deep and odd JSON. The expected answer of every body comes from README's publish table, with
 * validity judged by an independent JSON-P parse ({@link #jsonProblem}).
 */
final class FuzzBodies {
    static final String TOPIC = "fuzz.bodies";
    /** README: publish refuses arrays and objects nested more than 100 levels deep (400 invalid-json). */
    static final int MAX_DEPTH = 100;
    private static final String[] CONTENT_TYPES = {"application/json", "application/json; charset=utf-8",
            "APPLICATION/JSON", "application/vnd.herald+json", "application/problem+json", "text/plain", "text/json",
            "application/xml", "application/jsonx", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/octet-stream", "*/*", "application/*", "image/png", "application/json-seq", "text/event-stream",
            // no media types at all: JAX-RS would refuse them itself if Herald did not (transport.ContentTypeFilter)
            ";;;", "json", "/", "a/b/c"};
    /** Byte sequences that are not UTF-8: a lone continuation, an overlong '/', a CESU-8 surrogate, 0xFF. */
    private static final byte[][] NOT_UTF8 = {{(byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xFF}, {(byte) 0xC3, (byte) 0x28}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}};

    private final int port;
    private final int maxEventBytes;

    FuzzBodies(int port, int maxEventBytes) {
        this.port = port;
        this.maxEventBytes = maxEventBytes;
    }

    /** Category 1: random bytes, content types, empty and oversized bodies. */
    List<FuzzRun.Case> bodies(Random random, int count) {
        List<FuzzRun.Case> cases = new ArrayList<>();
        int nextType = random.nextInt(CONTENT_TYPES.length);
        for (int i = 0; i < count; i++) {
            int kind = i < 10 ? i : random.nextInt(10);
            String contentType = "application/json";
            byte[] body;
            boolean chunked = false;
            String name;
            switch (kind) {
                case 0 -> {
                    body = new byte[random.nextInt(2048)];
                    random.nextBytes(body);
                    name = "random bytes (" + body.length + ")";
                }
                case 1 -> {
                    body = utf8(randomJson(random, 4));
                    name = "valid JSON (" + body.length + " bytes)";
                }
                case 2, 9 -> {
                    // each in turn, from a random one on
                    contentType = CONTENT_TYPES[nextType++ % CONTENT_TYPES.length];
                    body = kind == 2 ? utf8(randomJson(random, 2)) : randomBytes(random, 256);
                    name = "Content-Type " + contentType;
                }
                case 3 -> {
                    contentType = null;
                    body = utf8("{\"n\":1}");
                    name = "no Content-Type";
                }
                case 4 -> {
                    body = new byte[0];
                    name = "empty body";
                }
                case 5, 6 -> {
                    body = utf8("\"" + "x".repeat(maxEventBytes - 1 + random.nextInt(maxEventBytes)) + "\"");
                    chunked = kind == 6;
                    name = (chunked ? "chunked " : "") + "body of " + body.length + " bytes (over herald.max-event-bytes)";
                }
                case 7 -> {
                    body = notUtf8(random);
                    name = "JSON string with bytes that are not UTF-8";
                }
                default -> {
                    body = utf8("\"" + "y".repeat(maxEventBytes - 2) + "\"");
                    name = "exactly herald.max-event-bytes";
                }
            }
            cases.add(publishCase(name, contentType, body, chunked));
        }
        return cases;
    }

    /** Category 2: unclosed and deep nesting, truncated documents, duplicate keys, token soup, long numbers. */
    List<FuzzRun.Case> json(Random random, int count) {
        List<FuzzRun.Case> cases = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int kind = i < 10 ? i : random.nextInt(10);
            String text;
            String name;
            switch (kind) {
                case 0 -> {
                    int depth = i == 0 ? 100_000 : 101 + random.nextInt(100_000 - 101);
                    text = "[".repeat(depth);
                    name = depth + " unclosed [";
                }
                case 1 -> {
                    int depth = i == 1 ? MAX_DEPTH : 1 + random.nextInt(MAX_DEPTH);
                    text = "[".repeat(depth) + "]".repeat(depth);
                    name = "arrays nested " + depth + " deep";
                }
                case 2 -> {
                    int depth = i == 2 ? MAX_DEPTH + 1 : MAX_DEPTH + 1 + random.nextInt(60_000);
                    text = "[".repeat(depth) + "]".repeat(depth);
                    name = "arrays nested " + depth + " deep";
                }
                case 3 -> {
                    int depth = 1 + random.nextInt(2 * MAX_DEPTH);
                    text = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
                    name = "objects nested " + depth + " deep";
                }
                case 4 -> {
                    String whole = randomJson(random, 4);
                    text = whole.substring(0, random.nextInt(Math.max(1, whole.length())));
                    name = "truncated JSON (" + text.length() + " of " + whole.length() + ")";
                }
                case 5 -> {
                    text = "{\"k\":1,\"k\":\"two\",\"k\":" + randomJson(random, 2) + "}";
                    name = "duplicate keys";
                }
                case 6 -> {
                    text = randomJson(random, 2) + (random.nextBoolean() ? " " + randomJson(random, 2) : " x");
                    name = "a value and more";
                }
                case 7 -> {
                    text = soup(random);
                    name = "token soup";
                }
                case 8 -> {
                    text = (random.nextBoolean() ? "-" : "") + "9".repeat(1000 + random.nextInt(4000)) + ".5e7";
                    name = "a number of " + text.length() + " characters";
                }
                default -> {
                    text = "{\"s\":\"" + "[{".repeat(500 + random.nextInt(2000)) + "\"}";
                    name = "brackets inside a string";
                }
            }
            cases.add(publishCase(name, "application/json", utf8(text), false));
        }
        return cases;
    }

    private FuzzRun.Case publishCase(String name, String contentType, byte[] body, boolean chunked) {
        return new FuzzRun.Case(name, () -> {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Authorization", "Bearer " + HeraldServer.TOKEN);
            if (contentType != null) {
                headers.put("Content-Type", contentType);
            }
            byte[] sent = body;
            if (chunked) {
                headers.put("Transfer-Encoding", "chunked");
                sent = chunked(body);
            }
            RawHttp.Answer answer = RawHttp.exchange(port, RawHttp.request("POST", "/api/topics/" + TOPIC, headers, sent));
            if (!isJson(contentType)) {
                return heraldAnswer(answer, 415, "unsupported-media-type", "publish");
            }
            if (body.length > maxEventBytes) {
                return heraldAnswer(answer, 413, "too-large", "publish");
            }
            String problem = jsonProblem(body);
            return problem == null ? heraldAnswer(answer, 202, null, null) : heraldAnswer(answer, 400, problem, "publish");
        });
    }

    /** README: application/json or application/*+json, parameters and case aside. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    /** null if Herald must accept the body as one JSON value, else "invalid-json" (README's publish table). */
    static String jsonProblem(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return "invalid-json";
        }
        try (JsonParser parser = Json.createParser(new StringReader(text))) {
            if (!parser.hasNext()) {
                return "invalid-json";
            }
            int depth = 0;
            do {
                switch (parser.next()) {
                    case START_ARRAY, START_OBJECT -> {
                        if (++depth > MAX_DEPTH) {
                            return "invalid-json";
                        }
                    }
                    case END_ARRAY, END_OBJECT -> depth--;
                    default -> {
                    }
                }
            } while (depth > 0);
            return parser.hasNext() ? "invalid-json" : null;
        } catch (JsonException | IllegalStateException e) {
            return "invalid-json";
        }
    }

    /** A random JSON value: numbers, strings with escapes and non-ASCII text, literals, arrays, objects. */
    static String randomJson(Random random, int depth) {
        switch (random.nextInt(depth <= 0 ? 4 : 7)) {
            case 0:
                return Long.toString(random.nextLong() >> random.nextInt(64));
            case 1:
                return random.nextInt(1000) + "." + random.nextInt(1000) + (random.nextBoolean() ? "e-" + random.nextInt(30) : "");
            case 2:
                return List.of("true", "false", "null").get(random.nextInt(3));
            case 3:
                return quoted(random);
            case 4, 5: {
                StringBuilder object = new StringBuilder("{");
                for (int i = random.nextInt(5); i > 0; i--) {
                    object.append(quoted(random)).append(':').append(randomJson(random, depth - 1)).append(i > 1 ? "," : "");
                }
                return object.append('}').toString();
            }
            default: {
                StringBuilder array = new StringBuilder("[");
                for (int i = random.nextInt(5); i > 0; i--) {
                    array.append(randomJson(random, depth - 1)).append(i > 1 ? "," : "");
                }
                return array.append(']').toString();
            }
        }
    }

    private static String quoted(Random random) {
        String[] pieces = {"a", "Z", "0", " ", "\\\"", "\\\\", "\\n", "\\u00e9", "\\ud83d\\ude00", "é", "😀", "\u202e", "/", "<", "\\t"};
        StringBuilder text = new StringBuilder("\"");
        for (int i = random.nextInt(12); i > 0; i--) {
            text.append(pieces[random.nextInt(pieces.length)]);
        }
        return text.append('"').toString();
    }

    private static String soup(Random random) {
        String[] tokens = {"[", "]", "{", "}", ":", ",", "\"", "\"k\"", "1", "-", ".", "e", "true", "fals", "null", " ", "\\", "\n", "0x1F", "NaN"};
        StringBuilder text = new StringBuilder();
        for (int i = 1 + random.nextInt(40); i > 0; i--) {
            text.append(tokens[random.nextInt(tokens.length)]);
        }
        return text.toString();
    }

    private static byte[] notUtf8(Random random) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(utf8("{\"text\":\"caf"));
        body.writeBytes(NOT_UTF8[random.nextInt(NOT_UTF8.length)]);
        body.writeBytes(utf8("\"}"));
        return body.toByteArray();
    }

    private static byte[] randomBytes(Random random, int max) {
        byte[] bytes = new byte[1 + random.nextInt(max)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] chunked(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int from = 0; from < body.length; from += 16_384) {
            int length = Math.min(16_384, body.length - from);
            out.writeBytes(utf8(Integer.toHexString(length) + "\r\n"));
            out.write(body, from, length);
            out.writeBytes(utf8("\r\n"));
        }
        out.writeBytes(utf8("0\r\n\r\n"));
        return out.toByteArray();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
