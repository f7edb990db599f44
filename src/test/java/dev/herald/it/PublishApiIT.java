package dev.herald.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URL;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The publish API's contract (status, JSON error body, rejection metrics, idempotency), topic info, and the
 * subscribe-side refusals and control messages of both transports.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PublishApiIT {
    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return HeraldDeployment.common("servlet");
    }

    private static final String PUBLISHED = "herald_events_published_total{mp_scope=\"application\"}";
    private static final int MAX_EVENT_BYTES = 65536;

    private static HeraldServer server;
    private static Publisher publisher;

    @BeforeEach
    void server() {
        server = HeraldDeployment.server(base);
        publisher = new Publisher(server);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static String rejected(String reason) {
        return "herald_requests_rejected_total{endpoint=\"publish\",mp_scope=\"application\",reason=\"" + reason + "\"}";
    }

    private static Map<String, String> headers(String... pairs) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.put(pairs[i], pairs[i + 1]);
        }
        return headers;
    }

    private static Map<String, String> goodHeaders() {
        return headers("Authorization", "Bearer " + HeraldServer.TOKEN, "Content-Type", "application/json");
    }

    /** A JSON string literal of exactly {@code bytes} UTF-8 bytes (quotes included). */
    private static String jsonOfBytes(int bytes) {
        return "\"" + "a".repeat(bytes - 2) + "\"";
    }

    /** Every series of one metric family, as printed (series string without the value) -> value. */
    private static Map<String, Double> metrics(String family) {
        Map<String, Double> values = new HashMap<>();
        for (String line : server.metricsText().split("\n")) {
            if (line.startsWith(family + "{") || line.startsWith(family + " ")) {
                int space = line.lastIndexOf(' ');
                values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1).trim()));
            }
        }
        return values;
    }

    private static JsonObject topicInfo(String topic) {
        HttpResponse<String> response = publisher.get("/api/topics/" + topic);
        assertEquals(200, response.statusCode(), "GET /api/topics/" + topic + ": " + response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                "topic info content type: " + response.headers().map());
        return json(response.body());
    }

    private static int subscribers(String topic) {
        return topicInfo(topic).getInt("subscribers");
    }

    private static void assertJsonError(HttpResponse<String> response, int status, String reason, String what) {
        assertEquals(status, response.statusCode(), what + ": " + response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                what + ": content type " + response.headers().firstValue("Content-Type"));
        JsonObject body = json(response.body());
        assertEquals(reason, body.getString("error"), what + ": " + response.body());
        assertEquals(JsonValue.ValueType.STRING, body.get("message").getValueType(), what + ": " + response.body());
        assertFalse(body.getString("message").isBlank(), what + ": empty message");
    }

    // ------------------------------------------------------------------ publish refusals

    private record BadPublish(String what, String topicPath, String body, Map<String, String> headers, int status,
                              String reason) {
    }

    @Test
    void everyBadPublishIsRefusedWithJsonCountedAndPublishesNothing() {
        String topic = unique("api-bad");
        String lastGood = publisher.publish(topic, "{\"n\":0}");
        Map<String, String> json = goodHeaders();
        List<BadPublish> cases = List.of(
                new BadPublish("missing Authorization", topic, "{\"n\":1}",
                        headers("Content-Type", "application/json"), 401, "unauthorized"),
                new BadPublish("wrong token", topic, "{\"n\":2}",
                        headers("Authorization", "Bearer not-" + HeraldServer.TOKEN, "Content-Type", "application/json"),
                        401, "invalid-token"),
                new BadPublish("token without Bearer scheme", topic, "{\"n\":3}",
                        headers("Authorization", HeraldServer.TOKEN, "Content-Type", "application/json"),
                        401, "unauthorized"),
                new BadPublish("space and ! in the topic", "bad%20topic%21", "{\"n\":4}", json, 400, "invalid-topic"),
                new BadPublish("129-character topic", "a".repeat(129), "{\"n\":5}", json, 400, "invalid-topic"),
                new BadPublish("reserved topic message", "message", "{\"n\":6}", json, 400, "invalid-topic"),
                new BadPublish("reserved prefix herald.", "herald.x", "{\"n\":7}", json, 400, "invalid-topic"),
                new BadPublish("text/plain", topic, "{\"n\":8}",
                        headers("Authorization", "Bearer " + HeraldServer.TOKEN, "Content-Type", "text/plain"),
                        415, "unsupported-media-type"),
                new BadPublish("not JSON", topic, "{", json, 400, "invalid-json"),
                new BadPublish("two JSON values", topic, "{} {}", json, 400, "invalid-json"),
                new BadPublish("empty body", topic, "", json, 400, "invalid-json"),
                new BadPublish("one byte over herald.max-event-bytes", topic, jsonOfBytes(MAX_EVENT_BYTES + 1), json,
                        413, "too-large"));

        Map<String, Double> before = metrics("herald_requests_rejected_total");
        double publishedBefore = publisher.metric(PUBLISHED);
        Map<String, Integer> expectedIncrements = new HashMap<>();
        for (BadPublish bad : cases) {
            HttpResponse<String> response = publisher.post(bad.topicPath(), bad.body(), bad.headers());
            assertJsonError(response, bad.status(), bad.reason(), bad.what());
            expectedIncrements.merge(bad.reason(), 1, Integer::sum);
        }
        Map<String, Double> after = metrics("herald_requests_rejected_total");
        for (Map.Entry<String, Integer> expected : expectedIncrements.entrySet()) {
            String series = rejected(expected.getKey());
            assertTrue(after.containsKey(series), "no series " + series + " at /metrics; have " + after.keySet());
            assertEquals(before.getOrDefault(series, 0.0) + expected.getValue(), after.get(series),
                    "increments of " + series);
        }

        String finalGood = publisher.publish(topic, "{\"n\":\"final\"}");
        assertEquals(publishedBefore + 1, publisher.metric(PUBLISHED),
                "only the final good publish is counted as published");
        try (SseStream stream = SseStream.open(server, "topic=" + topic, lastGood)) {
            assertEquals(200, stream.status());
            stream.await(items -> items.stream().anyMatch(item -> finalGood.equals(item.id())), "the final event");
            assertEquals(List.of(finalGood), stream.eventIds(), "resuming after the last good id");
            assertTrue(stream.all().stream().noneMatch(item -> item.kind().equals("reset")), "exact resume");
        }
    }

    @Test
    void goodPublishAnswers202WithTheIdInJson() {
        String topic = unique("api-ok");
        HttpResponse<String> response = publisher.post(topic, "{\"hello\":\"world\"}",
                headers("Authorization", "Bearer " + HeraldServer.TOKEN, "Content-Type", "application/json; charset=utf-8"));
        assertEquals(202, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonObject body = json(response.body());
        assertEquals(1, body.size(), response.body());
        String id = body.getString("id");
        assertTrue(id.matches("[A-Za-z0-9]+-\\d+"), "id " + id);
        assertEquals(id, topicInfo(topic).getString("lastId"));
    }

    @Test
    void eventOfExactlyTheMaximumSizeIsAccepted() {
        String topic = unique("api-max");
        HttpResponse<String> response = publisher.post(topic, jsonOfBytes(MAX_EVENT_BYTES), goodHeaders());
        assertEquals(202, response.statusCode(), "an event of exactly herald.max-event-bytes: " + response.body());
    }

    // ------------------------------------------------------------------ idempotency

    @Test
    void idempotencyKeyMakesRetriesSafe() {
        String topic = unique("api-idem");
        String key = UUID.randomUUID().toString();
        try (SseStream stream = SseStream.open(server, "topic=" + topic, null)) {
            assertEquals(200, stream.status());
            Map<String, String> withKey = new HashMap<>(goodHeaders());
            withKey.put("Idempotency-Key", key);
            HttpResponse<String> first = publisher.post(topic, "{\"try\":1}", withKey);
            HttpResponse<String> retry = publisher.post(topic, "{\"try\":1}", withKey);
            assertEquals(202, first.statusCode(), first.body());
            assertEquals(202, retry.statusCode(), retry.body());
            String id = json(first.body()).getString("id");
            assertEquals(id, json(retry.body()).getString("id"), "the retry gets the first attempt's id");

            double reusedBefore = publisher.metric(rejected("idempotency-key-reused"));
            HttpResponse<String> reused = publisher.post(topic, "{\"try\":2}", withKey);
            assertJsonError(reused, 422, "idempotency-key-reused", "the same key with another body");
            assertEquals(reusedBefore + 1, publisher.metric(rejected("idempotency-key-reused")), "counted");
            assertEquals(id, topicInfo(topic).getString("lastId"), "the reused key published nothing");

            withKey.put("Idempotency-Key", key + "-other");
            HttpResponse<String> other = publisher.post(topic, "{\"try\":3}", withKey);
            assertEquals(202, other.statusCode(), other.body());
            String otherId = json(other.body()).getString("id");
            assertNotEquals(id, otherId, "a different key is a different event");

            stream.await(items -> items.stream().anyMatch(item -> otherId.equals(item.id())), "the second key's event");
            assertEquals(List.of(id, otherId), stream.eventIds(), "one event per key");
            assertEquals("{\"try\":1}", stream.events().get(0).data(), "the first attempt's body is the event");
        }
    }

    // ------------------------------------------------------------------ topic info

    @Test
    void topicInfoDescribesHistoryAndCountsOpenSubscribers() {
        String topic = unique("api-info");
        JsonObject unknown = topicInfo(topic);
        assertEquals(topic, unknown.getString("topic"));
        assertEquals(0, unknown.getInt("subscribers"));
        assertTrue(unknown.isNull("lastId"), unknown.toString());
        assertTrue(unknown.isNull("oldestId"), unknown.toString());
        assertEquals(0, unknown.getInt("retainedEvents"));
        assertEquals(0, unknown.getJsonNumber("retainedBytes").longValue());

        String first = publisher.publish(topic, "{\"n\":1}");
        String second = publisher.publish(topic, "{\"n\":2}");
        JsonObject info = topicInfo(topic);
        assertEquals(List.of("topic", "subscribers", "lastId", "retainedEvents", "retainedBytes", "oldestId").stream()
                .sorted().toList(), info.keySet().stream().sorted().toList(), info.toString());
        assertEquals(topic, info.getString("topic"));
        assertEquals(0, info.getInt("subscribers"));
        assertEquals(second, info.getString("lastId"));
        assertEquals(first, info.getString("oldestId"));
        assertEquals(2, info.getInt("retainedEvents"));
        assertTrue(info.getJsonNumber("retainedBytes").longValue() >= "{\"n\":1}".length() * 2L, info.toString());

        try (SseStream stream = SseStream.open(server, "topic=" + topic, null)) {
            assertEquals(200, stream.status());
            Poll.until(() -> subscribers(topic) == 1, () -> "1 subscriber, have " + topicInfo(topic));
        }
        Poll.until(() -> subscribers(topic) == 0, () -> "0 subscribers after the client closed, have " + topicInfo(topic));
    }

    @Test
    void invalidTopicInfoIsRefused() {
        assertJsonError(publisher.get("/api/topics/herald.x"), 400, "invalid-topic", "GET a reserved topic");
    }

    // ------------------------------------------------------------------ subscribe refusals

    private static void assertWsClose(WsStream stream, int code, String reason, String what) {
        assertEquals(code, stream.awaitCloseCode(), what + "; reason " + stream.closeReason());
        JsonObject body = json(stream.closeReason());
        assertEquals(reason, body.getString("error"), what + ": " + body);
        assertFalse(body.getString("message").isBlank(), what);
    }

    @Test
    void webSocketRefusesInvalidAndMissingTopicsWith1008AndJsonReason() {
        try (WsStream stream = WsStream.connect(server, "topic=bad%20topic%21")) {
            assertWsClose(stream, 1008, "invalid-topic", "WS invalid topic");
        }
        try (WsStream stream = WsStream.connect(server, "topic=message")) {
            assertWsClose(stream, 1008, "invalid-topic", "WS reserved topic");
        }
        try (WsStream stream = WsStream.connect(server, "")) {
            assertWsClose(stream, 1008, "no-topics", "WS without topics");
        }
    }

    @Test
    void webSocketClosesOnBadControlMessages() {
        String topic = unique("api-ws-bad");
        try (WsStream stream = WsStream.open(server, "topic=" + topic)) {
            stream.send("this is not JSON");
            assertWsClose(stream, 1003, "bad-message", "non-JSON text message");
        }
        try (WsStream stream = WsStream.open(server, "topic=" + topic)) {
            stream.send("{\"type\":\"nope\"}");
            assertWsClose(stream, 1008, "bad-message", "unknown message type");
        }
        try (WsStream stream = WsStream.open(server, "topic=" + topic)) {
            stream.send("{\"type\":\"nope\",\"topics\":[\"" + topic + "\"]}");
            assertWsClose(stream, 1008, "bad-message", "unknown message type with topics");
        }
        try (WsStream stream = WsStream.open(server, "topic=" + topic)) {
            // over herald.max-event-bytes + 1 KiB, the inbound limit: refused before being buffered
            stream.send("{\"type\":\"subscribe\",\"topics\":[\"" + "a".repeat(MAX_EVENT_BYTES + 2 * 1024) + "\"]}");
            assertWsClose(stream, 1009, "too-large", "oversized control message");
        }
        Poll.until(() -> subscribers(topic) == 0, () -> "closed WS clients released, have " + topicInfo(topic));
    }

    @Test
    void webSocketSubscribeAndUnsubscribeMessagesChangeTheStream() {
        String kept = unique("api-ws-kept");
        String added = unique("api-ws-added");
        try (WsStream stream = WsStream.open(server, "topic=" + kept)) {
            String k1 = publisher.publish(kept, "{\"n\":1}");
            stream.await(items -> items.stream().anyMatch(item -> k1.equals(item.id())), "the first event");

            stream.send("{\"type\":\"subscribe\",\"topics\":[\"" + added + "\"]}");
            Poll.until(() -> subscribers(added) == 1, () -> "the WS client on " + added + ", have " + topicInfo(added));
            String a1 = publisher.publish(added, "{\"n\":2}");
            stream.await(items -> items.stream().anyMatch(item -> a1.equals(item.id())), "the added topic's event");

            stream.send("{\"type\":\"unsubscribe\",\"topics\":[\"" + added + "\"]}");
            Poll.until(() -> subscribers(added) == 0, () -> "no subscriber on " + added + ", have " + topicInfo(added));
            String a2 = publisher.publish(added, "{\"n\":3}");
            String k2 = publisher.publish(kept, "{\"n\":4}");
            // events arrive in id order on one connection: had a2 been sent, it would be here before k2
            stream.await(items -> items.stream().anyMatch(item -> k2.equals(item.id())), "the kept topic's later event");
            assertEquals(List.of(k1, a1, k2), stream.eventIds(), "no event of the unsubscribed topic " + a2);
            assertEquals(List.of(kept, added, kept), stream.events().stream().map(Received::topic).toList());
            assertTrue(stream.all().stream().allMatch(Received::isEvent), "no signals: " + stream.all());
        }
    }
}
