package dev.herald.it;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.security.TestTokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may publish and subscribe, over the wire: JWT scopes for publishers (HS256, RS256, ES256 tokens minted
 * here), every kind of invalid token, private topics over SSE and WebSocket by header and by cookie, token
 * expiry and WebSocket renewal, publishing over WebSocket, revoking a subject. Origins: {@link OriginsIT}.
 */
@RunAsClient
class SecurityIT extends DeployedHerald {
    static final TestTokens TOKENS = new TestTokens();
    static final String ISSUER = "https://login.test";
    static final String ALLOWED_ORIGIN = "https://app.test";
    static final String FOREIGN_ORIGIN = "https://evil.test";
    /** Ports of two pages the browser test serves: one of an allowed origin, one of a foreign one. */
    static final int APP_PORT = WebPages.freePort();
    static final int FOREIGN_PORT = WebPages.freePort();


    @Deployment(testable = false)
    static WebArchive deployment() {
        return HeraldDeployment.war(settings());
    }

    /** Keys of every kind, private topics, an issuer and audience, the allowed origins (OriginsIT too). */
    static Map<String, String> settings() {
        Map<String, String> settings = new TreeMap<>(HeraldDeployment.COMMON);
        settings.put("herald.jwt.hmac-secret", TestTokens.HMAC_SECRET);
        settings.put("herald.jwt.public-keys", TOKENS.publicKeysPem());
        settings.put("herald.jwt.issuer", ISSUER);
        settings.put("herald.jwt.audience", "herald");
        settings.put("herald.private-topics", "private.*");
        settings.put("herald.allowed-origins", ALLOWED_ORIGIN + ",http://127.0.0.1:" + APP_PORT);
        settings.put("herald.cors.allow-credentials", "true");
        return settings;
    }

    @Override
    public String engine() {
        return "servlet";
    }

    static JWTClaimsSet.Builder claims(String subject, List<String> publish, List<String> subscribe) {
        return TestTokens.claims(subject, publish, subscribe).issuer(ISSUER).audience("herald");
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    HttpResponse<String> publish(String topic, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putIfAbsent("Content-Type", "application/json");
        return new Publisher(server()).post(topic, "{\"n\":1}", all);
    }

    static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    static void refused(HttpResponse<String> response, int status, String reason) {
        assertEquals(status, response.statusCode(), response.body());
        JsonObject body = Json.createReader(new StringReader(response.body())).readObject();
        assertEquals(reason, body.getString("error"), response.body());
    }

    @Test
    void aJwtPublishesWithinItsScopeAndEveryInvalidTokenIs401() {
        String topic = unique("sec");
        JWTClaimsSet.Builder scoped = claims("alice", List.of("sec-*"), List.of());
        for (String token : List.of(TOKENS.hs256(scoped), TOKENS.rs256(scoped), TOKENS.es256(scoped), HeraldServer.TOKEN)) {
            assertEquals(202, publish(topic, bearer(token)).statusCode(), "allowed: " + token.substring(0, Math.min(10, token.length())));
        }
        HttpResponse<String> outside = publish("other", bearer(TOKENS.hs256(scoped)));
        refused(outside, 403, "insufficient-scope");
        assertEquals("Bearer error=\"insufficient_scope\"", outside.headers().firstValue("WWW-Authenticate").orElse(null));

        Map<String, String> invalid = new LinkedHashMap<>();
        invalid.put("expired", TOKENS.hs256(scoped.expirationTime(Date.from(Instant.now().minusSeconds(120)))));
        invalid.put("not yet valid", TOKENS.hs256(claims("alice", List.of("*"), List.of())
                .notBeforeTime(Date.from(Instant.now().plusSeconds(120)))));
        invalid.put("wrong issuer", TOKENS.hs256(TestTokens.claims("alice", List.of("*"), List.of())
                .issuer("https://evil.test").audience("herald")));
        invalid.put("wrong audience", TOKENS.hs256(claims("alice", List.of("*"), List.of()).audience("other")));
        invalid.put("wrong key", new TestTokens().rs256(claims("alice", List.of("*"), List.of())));
        invalid.put("tampered", TestTokens.tampered(TOKENS.es256(claims("alice", List.of("*"), List.of()))));
        invalid.put("alg none", TestTokens.unsigned(claims("alice", List.of("*"), List.of())));
        invalid.put("garbage", "garbage");
        double before = new Publisher(server()).metric(
                "herald_requests_rejected_total{endpoint=\"publish\",mp_scope=\"application\",reason=\"invalid-token\"}");
        invalid.forEach((what, token) -> {
            HttpResponse<String> response = publish(topic, bearer(token));
            refused(response, 401, "invalid-token");
            assertEquals("Bearer error=\"invalid_token\"", response.headers().firstValue("WWW-Authenticate").orElse(null),
                    what);
        });
        refused(publish(topic, Map.of()), 401, "unauthorized");
        if (!server().onWildFlyRuntime()) {
            assertEquals(before + invalid.size(), new Publisher(server()).metric(
                    "herald_requests_rejected_total{endpoint=\"publish\",mp_scope=\"application\",reason=\"invalid-token\"}"),
                    0.0, "each refusal counted");
        }
    }

    @Test
    void aPrivateTopicNeedsATokenCoveringItByHeaderOrCookieNeverByQueryWhenThatIsOff() {
        String topic = "private." + unique("p");
        String token = TOKENS.hs256(claims("bob", List.of(), List.of(topic)));
        String narrow = TOKENS.hs256(claims("bob", List.of(), List.of("private.other")));
        assertRefusedBeforeAnyByte(sse(topic, Map.of()), 401, "unauthorized");
        assertRefusedBeforeAnyByte(sse(topic, bearer(narrow)), 403, "insufficient-scope");
        assertRefusedBeforeAnyByte(sse(topic + "&access_token=" + token, Map.of()), 401, "unauthorized");
        assertRefusedBeforeAnyByte(sse(topic, bearer("garbage")), 401, "invalid-token");
        try (SseStream byHeader = openSse(topic, bearer(token));
             SseStream byCookie = openSse(topic, Map.of("Cookie", "heraldAuthorization=" + token))) {
            assertEquals(200, byHeader.status());
            assertEquals(200, byCookie.status());
            Poll.until(() -> byHeader.rawLines().contains(": subscribed " + topic)
                    && byCookie.rawLines().contains(": subscribed " + topic), () -> "both subscribed");
            String id = new Publisher(server()).publish(topic, "{\"secret\":true}");
            assertEquals(List.of(id), byHeader.awaitEvents(1).stream().map(Received::id).toList());
            assertEquals(List.of(id), byCookie.awaitEvents(1).stream().map(Received::id).toList());
        }
        try (SseStream open = openSse(unique("public"), Map.of())) {
            assertEquals(200, open.status(), "public topics need no token");
        }
    }

    @Test
    void aWebSocketForAPrivateTopicIsAcceptedThenClosedWith1008WithoutAToken() {
        String topic = "private." + unique("w");
        String token = TOKENS.hs256(claims("carol", List.of(), List.of(topic)));
        try (WsStream refused = WsStream.connect(server(), "topic=" + topic)) {
            assertEquals(1008, refused.awaitCloseCode());
            assertTrue(refused.closeReason().contains("\"error\":\"unauthorized\""), refused.closeReason());
        }
        try (WsStream byHeader = WsStream.open(server(), "topic=" + topic, bearer(token));
             WsStream byCookie = WsStream.open(server(), "topic=" + topic, Map.of("Cookie", "heraldAuthorization=" + token))) {
            String id = new Publisher(server()).publish(topic, "{}");
            assertEquals(List.of(id), byHeader.awaitEvents(1).stream().map(Received::id).toList());
            assertEquals(List.of(id), byCookie.awaitEvents(1).stream().map(Received::id).toList());
            byHeader.send("{\"type\":\"subscribe\",\"topics\":[\"private.not-mine\"]}");
            assertEquals(1008, byHeader.awaitCloseCode());
            assertTrue(byHeader.closeReason().contains("insufficient-scope"), byHeader.closeReason());
        }
    }

    @Test
    void aLiveConnectionIsClosedWhenItsTokenExpires() {
        String topic = "private." + unique("exp");
        // JWT times are whole seconds
        Instant expires = Instant.now().plusSeconds(3).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String token = TOKENS.hs256(claims("erin", List.of(), List.of(topic)).expirationTime(Date.from(expires)));
        try (SseStream sse = openSse(topic, bearer(token));
             WsStream ws = WsStream.open(server(), "topic=" + topic, bearer(token))) {
            assertEquals(200, sse.status());
            sse.awaitEnd();
            Instant ended = Instant.now();
            List<Received> all = sse.all();
            Received last = all.get(all.size() - 1);
            assertEquals("herald.closed", last.topic(), "the last frame says why: " + all);
            assertEquals("{\"reason\":\"token-expired\"}", last.data());
            assertFalse(ended.isBefore(expires), "not before the token's exp");
            assertTrue(ended.isBefore(expires.plusSeconds(15)), "soon after it: " + ended);
            assertEquals(1008, ws.awaitCloseCode());
            assertTrue(ws.closeReason().contains("token-expired"), ws.closeReason());
        }
    }

    @Test
    void aWebSocketClientPublishesWithAnAckWithinItsScopeAndARetryWithItsKeyIsOneEvent() throws Exception {
        String topic = unique("wsp");
        String token = TOKENS.es256(claims("frank", List.of("wsp-*"), List.of()));
        try (WsStream ws = WsStream.open(server(), "topic=" + topic, bearer(token));
             WsStream anonymous = WsStream.open(server(), "topic=" + topic)) {
            String publish = "{\"type\":\"publish\",\"topic\":\"" + topic + "\",\"data\":{\"n\":1},\"ref\":7,\"key\":\"k-1\"}";
            ws.send(publish);
            ws.send(publish);
            List<Received> acks = ws.await(all -> all.stream().filter(r -> r.kind().equals("published")).count() == 2,
                    "two acks");
            List<JsonObject> published = acks.stream().filter(r -> r.kind().equals("published"))
                    .map(r -> Json.createReader(new StringReader(r.data())).readObject()).toList();
            assertEquals(7, published.get(0).getInt("ref"));
            assertEquals(published.get(0).getString("id"), published.get(1).getString("id"), "the retry: the same id");
            ws.send("{\"type\":\"publish\",\"topic\":\"other\",\"data\":1,\"ref\":\"x\"}");
            JsonObject denied = reply(ws, "error");
            assertEquals("x", denied.getString("ref"));
            assertEquals("insufficient-scope", denied.getString("error"));
            anonymous.send("{\"type\":\"publish\",\"topic\":\"" + topic + "\",\"data\":1,\"ref\":1}");
            assertEquals("unauthorized", reply(anonymous, "error").getString("error"));
            String handshake = Http.webSocketHandshake(server().port(), "/ws/events?topic=" + topic,
                    Map.of("Sec-WebSocket-Protocol", "herald.v1"));
            assertTrue(handshake.toLowerCase(java.util.Locale.ROOT).contains("sec-websocket-protocol: herald.v1"),
                    "the subprotocol is negotiated: " + handshake);
            String marker = new Publisher(server()).publish(topic, "{\"marker\":true}");
            assertEquals(List.of(published.get(0).getString("id"), marker),
                    anonymous.awaitEvents(2).stream().map(Received::id).toList(), "one event from the two publishes");
        }
    }

    @Test
    void aWebSocketRenewalKeepsTheConnectionOpenPastTheOldExpiryAndANarrowerTokenCloses() {
        String topic = "private." + unique("renew");
        Instant expires = Instant.now().plusSeconds(3).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String first = TOKENS.hs256(claims("gina", List.of(), List.of(topic)).expirationTime(Date.from(expires)));
        String renewed = TOKENS.hs256(claims("gina", List.of(), List.of("private.*")));
        try (WsStream ws = WsStream.open(server(), "topic=" + topic, bearer(first))) {
            ws.send("{\"type\":\"refresh\",\"token\":\"" + renewed + "\"}");
            JsonObject refreshed = reply(ws, "refreshed");
            assertTrue(refreshed.getJsonNumber("exp").longValue() > expires.getEpochSecond(), refreshed.toString());
            Poll.until(() -> Instant.now().isAfter(expires.plusSeconds(2)), () -> "past the first token's exp");
            String id = new Publisher(server()).publish(topic, "{}");
            assertEquals(List.of(id), ws.awaitEvents(1).stream().map(Received::id).toList(), "still open");
            ws.send("{\"type\":\"refresh\",\"token\":\"" + TOKENS.hs256(claims("gina", List.of(),
                    List.of("private.other"))) + "\"}");
            assertEquals(1008, ws.awaitCloseCode());
            assertTrue(ws.closeReason().contains("insufficient-scope"), ws.closeReason());
        }
    }

    @Test
    void theOperatorRevokesASubjectAndItsConnectionsCloseWithReasonRevoked() {
        String topic = unique("revoke");
        String token = TOKENS.hs256(claims("henry", List.of(), List.of()));
        try (SseStream sse = openSse(topic, bearer(token));
             WsStream ws = WsStream.open(server(), "topic=" + topic, Map.of("Cookie", "heraldAuthorization=" + token));
             SseStream other = openSse(topic, bearer(TOKENS.hs256(claims("iris", List.of(), List.of()))))) {
            assertEquals(200, sse.status());
            refused(revoke("henry", Map.of()), 401, "unauthorized");
            refused(revoke("henry", bearer(token)), 403, "insufficient-scope");
            HttpResponse<String> revoked = revoke("henry", bearer(HeraldServer.TOKEN));
            assertEquals(202, revoked.statusCode(), revoked.body());
            sse.awaitEnd();
            Received last = sse.all().get(sse.all().size() - 1);
            assertEquals("herald.closed", last.topic());
            assertEquals("{\"reason\":\"revoked\"}", last.data());
            assertEquals(1008, ws.awaitCloseCode());
            assertTrue(ws.closeReason().contains("revoked"), ws.closeReason());
            assertFalse(other.ended(), "another subject's connection stays");
        }
    }


    private HttpResponse<String> revoke(String subject, Map<String, String> headers) {
        HttpRequest.Builder request = Http.request(server().uri("/api/subjects/" + subject + "/connections"))
                .DELETE();
        headers.forEach(request::header);
        return Http.send(request.build());
    }

    private static JsonObject reply(WsStream ws, String type) {
        Received found = ws.await(all -> all.stream().anyMatch(r -> r.kind().equals(type)), "a " + type + " reply")
                .stream().filter(r -> r.kind().equals(type)).findFirst().orElseThrow();
        return Json.createReader(new StringReader(found.data())).readObject();
    }

    private HttpResponse<String> sse(String topicAndQuery, Map<String, String> headers) {
        HttpRequest.Builder request = Http.request(server().uri("/api/events?topic=" + topicAndQuery))
                .header("Accept", "text/event-stream");
        headers.forEach(request::header);
        return Http.send(request.build());
    }

    SseStream openSse(String topic, Map<String, String> headers) {
        return SseStream.open(server().uri("/api/events?topic=" + topic), null, null, headers);
    }

    private static void assertRefusedBeforeAnyByte(HttpResponse<String> response, int status, String reason) {
        refused(response, status, reason);
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }
}
