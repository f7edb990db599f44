package dev.herald.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Over herald.max-connections or herald.max-topics a client gets a clear answer: SSE 503 + Retry-After +
 * JSON reason before any stream byte (both engines), WebSocket close 1013 + JSON reason, publish 503 +
 * Retry-After + JSON reason; each counted. Run by one small deployment per SSE engine.
 */
interface LimitsContract extends OnHerald {
    int MAX_CONNECTIONS = 3;
    int MAX_TOPICS = 4;

    /** A small node: the limits are reached with a handful of requests. */
    static org.jboss.shrinkwrap.api.spec.WebArchive deployment(String engine) {
        return HeraldDeployment.war(Map.of(
                "herald.sse.engine", engine,
                "herald.max-connections", Integer.toString(MAX_CONNECTIONS),
                "herald.max-topics", Integer.toString(MAX_TOPICS),
                "herald.heartbeat-interval", "1s"));
    }
    private static String rejected(String endpoint, String reason) {
        return "herald_requests_rejected_total{endpoint=\"" + endpoint + "\",mp_scope=\"application\",reason=\""
                + reason + "\"}";
    }

    private static String topics(String prefix, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> "topic=" + prefix + i).collect(Collectors.joining("&"));
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    /** Opens an SSE stream that must be accepted; 200 means subscribed (the hub registers before the first byte). */
    private static SseStream accepted(HeraldServer server, String query, List<SseStream> open) {
        SseStream stream = SseStream.open(server, query, null);
        open.add(stream);
        assertEquals(200, stream.status(), query);
        return stream;
    }

    private static void assertRefusedBeforeAnyStreamByte(SseStream refused, String reason) {
        assertEquals(503, refused.status(), "status");
        assertEquals("5", refused.headers().firstValue("Retry-After").orElse(null), "Retry-After");
        assertTrue(refused.headers().firstValue("X-Herald-Node").isPresent(), "the node is named on refusals too");
        assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                "content type " + refused.headers().map());
        refused.awaitEnd();
        JsonObject body = json(String.join("\n", refused.rawLines()));
        assertEquals(reason, body.getString("error"), body.toString());
        assertFalse(body.getString("message").isBlank());
    }

    private static void assertWsRefused(HeraldServer server, String query, String reason) {
        try (WsStream ws = WsStream.connect(server, query)) {
            assertEquals(1013, ws.awaitCloseCode(), "WebSocket over the limit; reason " + ws.closeReason());
            assertEquals(reason, json(ws.closeReason()).getString("error"), ws.closeReason());
        }
    }

    /** Closes the streams and waits until the server released them (a closed SSE client shows at the next heartbeat). */
    private static void closeAll(Publisher metrics, List<SseStream> open) {
        open.forEach(SseStream::close);
        Poll.until(() -> metrics.connections() == 0, () -> "herald_connections back to 0 (is " + metrics.connections() + ")");
    }

    /**
     * Opens the accepted streams, then checks that one more SSE request (refusedQuery) gets 503 and a
     * WebSocket with the same query 1013, both with the reason and each counted once; stillAccepted (or null)
     * is a request the limit must not refuse.
     */
    private static void assertLimit(HeraldServer server, List<String> acceptedQueries, String refusedQuery,
                                    String reason, String stillAccepted) {
        Publisher metrics = new Publisher(server);
        double sseBefore = metrics.metric(rejected("sse", reason));
        double wsBefore = metrics.metric(rejected("ws", reason));
        List<SseStream> open = new ArrayList<>();
        try {
            acceptedQueries.forEach(query -> accepted(server, query, open));
            SseStream refused = SseStream.open(server, refusedQuery, null);
            open.add(refused);
            assertRefusedBeforeAnyStreamByte(refused, reason);
            assertWsRefused(server, refusedQuery, reason);
            if (stillAccepted != null) {
                accepted(server, stillAccepted, open);
            }
            Poll.until(() -> metrics.metric(rejected("sse", reason)) == sseBefore + 1
                    && metrics.metric(rejected("ws", reason)) == wsBefore + 1, () -> "both refusals counted");
        } finally {
            closeAll(metrics, open);
        }
    }

    @Test
    default void overTheConnectionLimitSseGets503AndWebSocket1013() {
        assertLimit(server(), java.util.Collections.nCopies(MAX_CONNECTIONS, "topic=connections"),
                "topic=connections", "connection-limit", null);
    }

    @Test
    default void overTheTopicLimitSseGets503AndWebSocket1013() {
        // the topics of the accepted stream fill herald.max-topics; one more topic is refused
        assertLimit(server(), List.of(topics("subscribed", MAX_TOPICS)), "topic=one-too-many", "topic-limit",
                "topic=subscribed1");
    }

    @Test
    default void publishingToOneTopicTooManyGets503WithRetryAfterAndPublishesNothing() {
        Publisher publisher = new Publisher(server());
        for (int i = 1; i <= MAX_TOPICS; i++) {
            publisher.publish("retained" + i, "{}");
        }
        double before = publisher.metric("herald_requests_rejected_total{endpoint=\"publish\",mp_scope=\"application\","
                + "reason=\"topic-limit\"}");
        HttpResponse<String> refused = publisher.post("retained" + (MAX_TOPICS + 1), "{}",
                Map.of("Authorization", "Bearer " + HeraldServer.TOKEN, "Content-Type", "application/json"));
        assertEquals(503, refused.statusCode(), refused.body());
        assertEquals("5", refused.headers().firstValue("Retry-After").orElse(null));
        assertEquals("topic-limit", json(refused.body()).getString("error"));
        assertTrue(json(publisher.get("/api/topics/retained" + (MAX_TOPICS + 1)).body()).isNull("lastId"),
                "nothing was published");
        Poll.until(() -> publisher.metric("herald_requests_rejected_total{endpoint=\"publish\",mp_scope=\"application\","
                + "reason=\"topic-limit\"}") == before + 1, () -> "the refusal counted");
        publisher.publish("retained1", "{\"known\":\"topics still take events\"}");
    }
}
