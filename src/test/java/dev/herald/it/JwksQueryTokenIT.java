package dev.herald.it;

import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import dev.herald.security.TestTokens;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The other settings of the security model, on their own deployment: keys from a JWKS URL (served by this test),
 * the query token turned on, and requests without Origin refused (herald.allow-missing-origin=false).
 */
@RunAsClient
class JwksQueryTokenIT extends DeployedHerald {
    private static final TestTokens TOKENS = new TestTokens();
    private static final HttpServer JWKS = jwks();

    private static HttpServer jwks() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
            byte[] body = new JWKSet(TOKENS.rsa.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            http.createContext("/jwks.json", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            http.start();
            return http;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Deployment(testable = false)
    static WebArchive deployment() {
        Map<String, String> settings = new TreeMap<>(HeraldDeployment.COMMON);
        settings.put("herald.jwt.jwks-url", "http://127.0.0.1:" + JWKS.getAddress().getPort() + "/jwks.json");
        settings.put("herald.private-topics", "private.*");
        settings.put("herald.jwt.query-token", "true");
        settings.put("herald.allow-missing-origin", "false");
        return HeraldDeployment.war(settings);
    }

    @AfterAll
    static void stopJwks() {
        JWKS.stop(0);
    }

    @Override
    public String engine() {
        return "servlet";
    }

    @Test
    void aTokenSignedWithAKeyOfTheJwksPublishesAndOneWithAnUnknownKeyDoesNot() throws Exception {
        String topic = "jwks-" + System.nanoTime();
        Map<String, String> json = Map.of("Content-Type", "application/json");
        HttpResponse<String> accepted = new Publisher(server()).post(topic, "{}", with(json, "Authorization",
                "Bearer " + TOKENS.rs256(TestTokens.claims("kim", List.of("*"), List.of()))));
        assertEquals(202, accepted.statusCode(), accepted.body());
        HttpResponse<String> unknown = new Publisher(server()).post(topic, "{}", with(json, "Authorization",
                "Bearer " + new TestTokens().rs256(TestTokens.claims("kim", List.of("*"), List.of()))));
        assertEquals(401, unknown.statusCode(), unknown.body());
        assertTrue(unknown.body().contains("invalid-token"), unknown.body());
    }

    @Test
    void theQueryTokenOpensAPrivateTopicWhenTurnedOn() {
        String topic = "private.q" + System.nanoTime();
        String token = TOKENS.rs256(TestTokens.claims("lee", List.of(), List.of(topic)));
        try (SseStream sse = SseStream.open(server().uri("/api/events?topic=" + topic + "&access_token=" + token), null,
                null);
             WsStream ws = WsStream.open(server(), "topic=" + topic + "&access_token=" + token,
                     Map.of("Origin", "http://127.0.0.1:" + server().port()))) {
            assertEquals(200, sse.status());
            Poll.until(() -> sse.rawLines().contains(": subscribed " + topic), () -> "subscribed");
            String id = new Publisher(server()).publish(topic, "{}");
            assertEquals(List.of(id), sse.awaitEvents(1).stream().map(Received::id).toList());
            assertEquals(List.of(id), ws.awaitEvents(1).stream().map(Received::id).toList());
        }
    }

    @Test
    void withoutOriginAWebSocketHandshakeIsRefusedWhenMissingOriginsAreNotAllowed() throws Exception {
        int port = server().port();
        String path = "/ws/events?topic=origin" + System.nanoTime();
        String missing = Http.webSocketHandshake(port, path, Map.of());
        assertTrue(missing.startsWith("HTTP/1.1 403"), missing);
        assertTrue(Http.webSocketHandshake(port, path, Map.of("Origin", "http://127.0.0.1:" + port))
                .startsWith("HTTP/1.1 101"), "same origin");
    }

    private static Map<String, String> with(Map<String, String> base, String name, String value) {
        Map<String, String> all = new TreeMap<>(base);
        all.put(name, value);
        return all;
    }
}
