package dev.herald.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Over herald.max-connections or herald.max-topics a subscriber gets a clear answer before any stream byte:
 * SSE 503 + Retry-After + JSON reason, WebSocket close 1013 + JSON reason, each counted.
 */
class LimitsIT {
    private static final int PER_STREAM = 64;

    private static String rejected(String endpoint, String reason) {
        return "herald_requests_rejected_total{endpoint=\"" + endpoint + "\",mp_scope=\"application\",reason=\""
                + reason + "\"}";
    }

    private static HeraldServer server(String engine) {
        return engine.equals("jaxrs") ? Servers.jaxrs() : Servers.servlet();
    }

    private static String topics(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> "topic=" + prefix + "-" + i).collect(Collectors.joining("&"));
    }

    /** Opens SSE streams from {@code query} until one is refused; returns the refused one (the others stay open). */
    private static SseStream fillUntilRefused(HeraldServer server, List<SseStream> open, int max,
                                              java.util.function.IntFunction<String> query) {
        for (int i = 0; i < max; i++) {
            SseStream stream = SseStream.open(server, query.apply(i), null);
            if (stream.status() != 200) {
                return stream;
            }
            // 200 means subscribed: the hub registers the subscriber before the stream's first byte
            open.add(stream);
        }
        throw new AssertionError("no refusal after " + max + " streams");
    }

    private static void assertRefusedBeforeAnyStreamByte(SseStream refused, String reason) {
        assertEquals(503, refused.status(), "status");
        assertEquals("5", refused.headers().firstValue("Retry-After").orElse(null), "Retry-After");
        assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                "content type " + refused.headers().map());
        refused.awaitEnd();
        String body = String.join("\n", refused.rawLines());
        JsonObject json = Json.createReader(new StringReader(body)).readObject();
        assertEquals(reason, json.getString("error"), body);
        assertFalse(json.getString("message").isBlank());
    }

    /** Open connections on the server, both transports (herald_connections). */
    private static double connections(Publisher metrics) {
        return metrics.metric("herald_connections{mp_scope=\"application\",transport=\"sse\"}")
                + metrics.metric("herald_connections{mp_scope=\"application\",transport=\"ws\"}");
    }

    /**
     * Closes the streams and waits until the server released them (the gauge is back where the test began),
     * so later tests are not refused; a closed SSE client is noticed at the next heartbeat at the latest.
     */
    private static void closeAll(Publisher metrics, List<SseStream> open, double connectionsBefore) {
        open.forEach(SseStream::close);
        Poll.until(() -> connections(metrics) <= connectionsBefore,
                () -> "herald_connections back to " + connectionsBefore + " (is " + connections(metrics) + ")");
    }

    @ParameterizedTest
    @ValueSource(strings = {"servlet", "jaxrs"})
    void overTheConnectionLimitSseGets503AndWebSocket1013(String engine) {
        HeraldServer server = server(engine);
        Publisher metrics = new Publisher(server);
        double connectionsBefore = connections(metrics);
        double sseBefore = metrics.metric(rejected("sse", "connection-limit"));
        double wsBefore = metrics.metric(rejected("ws", "connection-limit"));
        List<SseStream> open = new ArrayList<>();
        String topic = "limits-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            SseStream refused = fillUntilRefused(server, open, Servers.MAX_CONNECTIONS + 10, i -> "topic=" + topic);
            assertRefusedBeforeAnyStreamByte(refused, "connection-limit");
            assertTrue(open.size() <= Servers.MAX_CONNECTIONS, open.size() + " streams were accepted");
            try (WsStream ws = WsStream.connect(server, "topic=" + topic)) {
                assertEquals(1013, ws.awaitCloseCode(), "WebSocket over the limit; reason " + ws.closeReason());
                JsonObject reason = Json.createReader(new StringReader(ws.closeReason())).readObject();
                assertEquals("connection-limit", reason.getString("error"));
            }
            Poll.until(() -> metrics.metric(rejected("sse", "connection-limit")) == sseBefore + 1
                    && metrics.metric(rejected("ws", "connection-limit")) == wsBefore + 1, () -> "both refusals counted");
        } finally {
            closeAll(metrics, open, connectionsBefore);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"servlet", "jaxrs"})
    void overTheTopicLimitSseGets503WithTheReason(String engine) {
        HeraldServer server = server(engine);
        Publisher metrics = new Publisher(server);
        double connectionsBefore = connections(metrics);
        double before = metrics.metric(rejected("sse", "topic-limit"));
        List<SseStream> open = new ArrayList<>();
        String prefix = "lt" + UUID.randomUUID().toString().substring(0, 6);
        try {
            SseStream refused = fillUntilRefused(server, open, Servers.MAX_TOPICS / PER_STREAM + 2,
                    i -> topics(prefix + "-" + i, PER_STREAM));
            assertRefusedBeforeAnyStreamByte(refused, "topic-limit");
            Poll.until(() -> metrics.metric(rejected("sse", "topic-limit")) == before + 1, () -> "the refusal counted");
            try (WsStream ws = WsStream.connect(server, topics(prefix + "-ws", PER_STREAM))) {
                assertEquals(1013, ws.awaitCloseCode(), "WebSocket over the topic limit; reason " + ws.closeReason());
                assertNotNull(ws.closeReason());
                assertTrue(ws.closeReason().contains("topic-limit"), ws.closeReason());
            }
        } finally {
            closeAll(metrics, open, connectionsBefore);
        }
    }
}
