package dev.herald.it;

import dev.herald.it.OtlpReceiver.ReceivedSpan;
import io.opentelemetry.proto.common.v1.KeyValue;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes, one Payara Micro and one WildFly, sharing one Redis log: what is published on one reaches the
 * subscribers of the other with the same ids, retries are safe across nodes, the demo feed runs once, a
 * reconnect storm is answered from the nodes' rings, traces continue across nodes, and an undeploy leaves no
 * Redis client thread behind. Runs once (in the Payara execution): the pair already mixes both runtimes.
 */
@EnabledIfSystemProperty(named = "herald.it.runtime", matches = "payara")
@ExtendWith(RedisNodes.Extension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {
    private static RedisNodes nodes;

    @BeforeAll
    static void nodes(RedisNodes shared) {
        nodes = shared;
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Opens an SSE stream and waits until the node has registered it (its ": subscribed" comment). */
    static SseStream subscribed(HeraldServer node, String topic, String lastEventId) {
        SseStream stream = SseStream.open(node, "topic=" + topic, lastEventId);
        assertEquals(200, stream.status());
        Poll.until(() -> stream.rawLines().stream().anyMatch(line -> line.startsWith(": subscribed")),
                () -> "the subscription on " + node.port() + ": " + stream.rawLines());
        return stream;
    }

    @Test
    @Order(1)
    void eventsPublishedOnOneNodeReachSseAndWebSocketSubscribersOnTheOtherWithTheSameIds() {
        String topic = unique("cross");
        try (SseStream sseOnWildFly = subscribed(nodes.wildFly, topic, null);
             WsStream wsOnWildFly = WsStream.open(nodes.wildFly, "topic=" + topic);
             SseStream sseOnPayara = subscribed(nodes.payara, topic, null);
             WsStream wsOnPayara = WsStream.open(nodes.payara, "topic=" + topic)) {
            Publisher onPayara = new Publisher(nodes.payara);
            Publisher onWildFly = new Publisher(nodes.wildFly);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add((i < 10 ? onPayara : onWildFly).publish(topic, "{\"n\":" + i + "}"));
            }
            for (EventStream stream : List.of(sseOnWildFly, wsOnWildFly, sseOnPayara, wsOnPayara)) {
                assertEquals(ids, stream.awaitEvents(20).stream().map(Received::id).toList(),
                        "in order, with the ids the 202 answers gave");
            }
            assertEquals("{\"n\":3}", sseOnWildFly.events().get(3).data());
            assertEquals("node-b", sseOnWildFly.headers().firstValue("X-Herald-Node").orElse(null));
            assertEquals("node-a", sseOnPayara.headers().firstValue("X-Herald-Node").orElse(null));
            HttpResponse<String> published = onWildFly.post(topic, "{}", Map.of("Authorization",
                    "Bearer " + HeraldServer.TOKEN, "Content-Type", "application/json"));
            assertEquals("node-b", published.headers().firstValue("X-Herald-Node").orElse(null));
        }
    }

    @Test
    @Order(2)
    void everyResponseNamesTheNodeThatServedIt() throws Exception {
        for (HeraldServer node : List.of(nodes.payara, nodes.wildFly)) {
            String expected = node == nodes.payara ? "node-a" : "node-b";
            Publisher publisher = new Publisher(node);
            HttpResponse<String> page = publisher.get("/");
            HttpResponse<String> refused = publisher.post("any", "{}", Map.of("Content-Type", "application/json"));
            HttpResponse<String> badRequest = publisher.get("/api/events?topic=");
            assertEquals(200, page.statusCode());
            assertEquals(401, refused.statusCode());
            assertEquals(400, badRequest.statusCode());
            for (HttpResponse<String> response : List.of(page, refused, badRequest)) {
                assertEquals(expected, response.headers().firstValue("X-Herald-Node").orElse(null),
                        response.uri() + " " + response.statusCode());
            }
            String handshake = Http.webSocketHandshake(node.port(), "/ws/events?topic=handshake", Map.of());
            assertTrue(handshake.startsWith("HTTP/1.1 101"), handshake);
            assertTrue(handshake.toLowerCase(java.util.Locale.ROOT).contains("x-herald-node: " + expected), handshake);
        }
    }

    @Test
    @Order(3)
    void thePublishRetriedWithItsIdempotencyKeyOnTheOtherNodeIsOneEvent() {
        String topic = unique("retry");
        try (SseStream stream = subscribed(nodes.wildFly, topic, null)) {
            Map<String, String> headers = Map.of("Authorization", "Bearer " + HeraldServer.TOKEN,
                    "Content-Type", "application/json", "Idempotency-Key", "order-42");
            HttpResponse<String> first = new Publisher(nodes.payara).post(topic, "{\"order\":42}", headers);
            HttpResponse<String> retry = new Publisher(nodes.wildFly).post(topic, "{\"order\":42}", headers);
            assertEquals(202, first.statusCode(), first.body());
            assertEquals(202, retry.statusCode(), retry.body());
            assertEquals(json(first.body()).getString("id"), json(retry.body()).getString("id"));
            HttpResponse<String> reused = new Publisher(nodes.wildFly).post(topic, "{\"order\":43}", headers);
            assertEquals(422, reused.statusCode());
            assertEquals("idempotency-key-reused", json(reused.body()).getString("error"));
            String marker = new Publisher(nodes.payara).publish(topic, "{\"marker\":true}");
            assertEquals(List.of(json(first.body()).getString("id"), marker),
                    stream.awaitEvents(2).stream().map(Received::id).toList(), "one event, then the marker");
        }
    }

    @Test
    @Order(4)
    void theDemoFeedRunsOnOneNodeAtATimeAndTopicInfoComesFromTheStream() throws Exception {
        String holder = nodes.redis.call("GET", "herald:{h0}:lease:demo-feed");
        assertTrue(holder.equals("node-a") || holder.equals("node-b"), "one node holds the lease: " + holder);
        HeraldServer other = holder.equals("node-a") ? nodes.wildFly : nodes.payara;
        // the lease may have changed hands before (a Redis restarted empty loses it): what counts is the last word
        List<String> transitions = java.nio.file.Files.readAllLines(other.log()).stream()
                .filter(line -> line.contains("Demo feed: ")).toList();
        assertTrue(transitions.isEmpty() || transitions.get(transitions.size() - 1).contains("stands by"),
                "the node without the lease does not run the feed: " + transitions);
        String topic = unique("info");
        String last = null;
        for (int i = 0; i < 3; i++) {
            last = new Publisher(nodes.payara).publish(topic, "{\"i\":" + i + "}");
        }
        try (SseStream stream = subscribed(nodes.wildFly, topic, null)) {
            JsonObject info = json(new Publisher(nodes.wildFly).get("/api/topics/" + topic).body());
            assertEquals(3, info.getInt("retainedEvents"), "history from Redis: " + info);
            assertEquals(last, info.getString("lastId"));
            assertEquals(1, info.getInt("subscribers"), "this node's subscribers");
        }
    }

    @Test
    @Order(5)
    void twoHundredClientsResumingAtOnceAreAnsweredFromTheRingNotFromRedis() throws Exception {
        String topic = unique("storm");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(new Publisher(nodes.payara).publish(topic, "{\"i\":" + i + "}"));
        }
        try (SseStream reader = subscribed(nodes.wildFly, topic, ids.get(0))) {
            reader.awaitEvents(4);
        }
        long rangesBefore = rangeReads();
        ExecutorService opener = Executors.newFixedThreadPool(50);
        List<SseStream> streams = new ArrayList<>();
        try {
            List<Future<SseStream>> opening = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                opening.add(opener.submit(() -> SseStream.open(nodes.wildFly, "topic=" + topic, ids.get(0))));
            }
            for (Future<SseStream> future : opening) {
                streams.add(future.get());
            }
            for (SseStream stream : streams) {
                assertEquals(ids.subList(1, 5), stream.awaitEvents(4).stream().map(Received::id).toList());
                assertTrue(stream.all().stream().noneMatch(item -> item.kind().equals("reset")), "exact resumes");
            }
        } finally {
            streams.forEach(SseStream::close);
            opener.shutdownNow();
        }
        long ranges = rangeReads() - rangesBefore;
        System.out.printf("200 resumes at once on WildFly: %d range reads in Redis (XRANGE, XREVRANGE, XINFO)%n", ranges);
        assertTrue(ranges < 20, "far fewer range reads than clients: " + ranges);
    }

    private static long rangeReads() {
        return nodes.redis.commandCalls("xrange") + nodes.redis.commandCalls("xrevrange")
                + nodes.redis.commandCalls("xinfo|stream");
    }

    @Test
    @Order(6)
    void theFanOutSpanOnTheOtherNodeIsAChildOfThePublishSpan() {
        String topic = unique("trace");
        String traceId = hex(16);
        try (SseStream stream = subscribed(nodes.wildFly, topic, null)) {
            HttpResponse<String> response = new Publisher(nodes.payara).post(topic, "{\"traced\":true}", Map.of(
                    "Authorization", "Bearer " + HeraldServer.TOKEN, "Content-Type", "application/json",
                    "traceparent", "00-" + traceId + "-" + hex(8) + "-01"));
            assertEquals(202, response.statusCode(), response.body());
            stream.awaitEvents(1);
        }
        Poll.until(() -> fanOut(traceId, "node-b") != null && publish(traceId) != null,
                () -> "publish span of node-a and fan-out span of node-b in trace " + traceId + ": "
                        + nodes.traces.describeSpans());
        ReceivedSpan publish = publish(traceId);
        ReceivedSpan fanOut = fanOut(traceId, "node-b");
        assertEquals("node-a", instance(publish));
        assertEquals(HexFormat.of().formatHex(publish.span().getSpanId().toByteArray()),
                HexFormat.of().formatHex(fanOut.span().getParentSpanId().toByteArray()),
                "node-b's fan-out is a child of node-a's publish span, through the traceparent stored in Redis");
    }

    private static ReceivedSpan publish(String traceId) {
        return nodes.traces.spans(traceId, "herald publish").stream().findFirst().orElse(null);
    }

    private static ReceivedSpan fanOut(String traceId, String node) {
        return nodes.traces.spans(traceId, "herald fan-out").stream()
                .filter(span -> node.equals(instance(span))).findFirst().orElse(null);
    }

    private static String instance(ReceivedSpan span) {
        return span.resource().getAttributesList().stream().filter(a -> a.getKey().equals("service.instance.id"))
                .map(KeyValue::getValue).map(v -> v.getStringValue()).findFirst().orElse(null);
    }

    @Test
    @Order(7)
    void revokingASubjectOnOneNodeClosesItsConnectionsOnTheOther() {
        String token = new dev.herald.security.TestTokens().hs256(dev.herald.security.TestTokens.claims("ivy",
                List.of(), List.of()));
        try (SseStream onWildFly = SseStream.open(nodes.wildFly.uri("/api/events?topic=" + unique("revoke")), null, null,
                Map.of("Authorization", "Bearer " + token))) {
            assertEquals(200, onWildFly.status());
            Poll.until(() -> onWildFly.rawLines().stream().anyMatch(line -> line.startsWith(": subscribed")),
                    () -> "subscribed");
            HttpResponse<String> revoked = Http.send(Http.request(
                            nodes.payara.uri("/api/subjects/ivy/connections")).DELETE()
                    .header("Authorization", "Bearer " + HeraldServer.TOKEN).build());
            assertEquals(202, revoked.statusCode(), revoked.body());
            onWildFly.awaitEnd();
            assertTrue(onWildFly.rawLines().contains("data: {\"reason\":\"revoked\"}"), onWildFly.rawLines().toString());
        }
    }

    @Test
    @Order(8)
    void undeployingFromWildFlyStopsEveryRedisClientThreadAndARedeployReadsAgain() {
        String before = nodes.wildFly.threadKinds().keySet().toString();
        assertTrue(before.contains("herald-redis-reader"), before);
        WildFlyCli.run(nodes.wildFly, "undeploy herald.war --keep-content");
        Poll.until(() -> nodes.wildFly.threadKinds().keySet().stream().noneMatch(ScaleOutIT::redisClientThread),
                () -> "no lettuce, netty or herald-redis thread after undeploy: " + nodes.wildFly.threadKinds());
        WildFlyCli.run(nodes.wildFly, "deploy --name=herald.war");
        Poll.until(() -> nodes.wildFly.readiness().status() == 200, () -> "herald redeployed and ready");
        String topic = unique("redeployed");
        try (SseStream stream = subscribed(nodes.wildFly, topic, null)) {
            String id = new Publisher(nodes.payara).publish(topic, "{}");
            assertEquals(List.of(id), stream.awaitEvents(1).stream().map(Received::id).toList());
        }
    }

    private static boolean redisClientThread(String name) {
        return name.startsWith("lettuce") || name.contains("netty") || name.startsWith("herald-redis")
                || name.startsWith("globalEventExecutor");
    }

    private static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    private static String hex(int bytes) {
        byte[] value = new byte[bytes];
        new java.security.SecureRandom().nextBytes(value);
        value[0] |= 1;
        return HexFormat.of().formatHex(value);
    }
}
