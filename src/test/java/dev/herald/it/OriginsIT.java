package dev.herald.it;

import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static dev.herald.it.SecurityIT.ALLOWED_ORIGIN;
import static dev.herald.it.SecurityIT.APP_PORT;
import static dev.herald.it.SecurityIT.FOREIGN_ORIGIN;
import static dev.herald.it.SecurityIT.FOREIGN_PORT;
import static dev.herald.it.SecurityIT.TOKENS;
import static dev.herald.it.SecurityIT.claims;
import static dev.herald.it.SecurityIT.refused;
import static dev.herald.it.SecurityIT.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which web pages may use Herald, over the wire and in a real headless Chromium: the WebSocket Origin check,
 * CORS for SSE, and cookie credentials (publish and subscribe) only from allowed origins. The same settings as
 * {@link SecurityIT}.
 */
@RunAsClient
class OriginsIT extends DeployedHerald {
    @Deployment(testable = false)
    static WebArchive deployment() {
        return HeraldDeployment.war(SecurityIT.settings());
    }

    @Override
    public String engine() {
        return "servlet";
    }

    private HttpResponse<String> publish(String topic, Map<String, String> headers) {
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.putIfAbsent("Content-Type", "application/json");
        return new Publisher(server()).post(topic, "{\"n\":1}", all);
    }

    private SseStream openSse(String topic, Map<String, String> headers) {
        return SseStream.open(server().uri("/api/events?topic=" + topic), null, null, headers);
    }

    @Test
    void webSocketHandshakesFromAForeignOriginAre403() throws Exception {
        int port = server().port();
        String path = "/ws/events?topic=" + unique("origin");
        assertTrue(Http.webSocketHandshake(port, path, Map.of("Origin", ALLOWED_ORIGIN)).startsWith("HTTP/1.1 101"));
        assertTrue(Http.webSocketHandshake(port, path, Map.of()).startsWith("HTTP/1.1 101"), "no Origin: not a browser");
        assertTrue(Http.webSocketHandshake(port, path, Map.of("Origin", "http://127.0.0.1:" + port))
                .startsWith("HTTP/1.1 101"), "same origin");
        String foreign = Http.webSocketHandshake(port, path, Map.of("Origin", FOREIGN_ORIGIN));
        assertTrue(foreign.startsWith("HTTP/1.1 403"), foreign);
    }

    @Test
    void corsAnswersTheAllowedOriginOnlyAndNeverReflectsAnother() {
        String topic = unique("cors");
        HttpResponse<String> preflight = Http.send(Http.request(server().uri("/api/events?topic=" + topic))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", ALLOWED_ORIGIN)
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "last-event-id").build());
        assertEquals(204, preflight.statusCode(), preflight.body());
        assertEquals(ALLOWED_ORIGIN, preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("true", preflight.headers().firstValue("Access-Control-Allow-Credentials").orElse(null));
        assertTrue(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("Last-Event-ID"));
        HttpResponse<String> foreignPreflight = Http.send(Http.request(server().uri("/api/events?topic=" + topic))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", FOREIGN_ORIGIN)
                .header("Access-Control-Request-Method", "GET").build());
        refused(foreignPreflight, 403, "forbidden-origin");
        assertFalse(foreignPreflight.headers().firstValue("Access-Control-Allow-Origin").isPresent());
        try (SseStream allowed = openSse(topic, Map.of("Origin", ALLOWED_ORIGIN));
             SseStream foreign = openSse(topic, Map.of("Origin", FOREIGN_ORIGIN))) {
            assertEquals(ALLOWED_ORIGIN, allowed.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
            assertTrue(allowed.headers().allValues("Vary").stream().anyMatch(v -> v.contains("Origin")));
            assertFalse(foreign.headers().firstValue("Access-Control-Allow-Origin").isPresent(), "never reflected");
        }
    }

    @Test
    void aPublishAuthenticatedByCookieNeedsAnAllowedOrigin() {
        String topic = unique("csrf");
        String cookie = "heraldAuthorization=" + TOKENS.hs256(claims("dave", List.of("csrf-*"), List.of()));
        refused(publish(topic, Map.of("Cookie", cookie)), 403, "forbidden-origin");
        refused(publish(topic, Map.of("Cookie", cookie, "Origin", FOREIGN_ORIGIN)), 403, "forbidden-origin");
        assertEquals(202, publish(topic, Map.of("Cookie", cookie, "Origin", ALLOWED_ORIGIN)).statusCode());
    }

    @Test
    void aPageOfAnAllowedOriginReceivesAPrivateTopicInChromiumAndAForeignPageIsRefused() throws Exception {
        String topic = "private." + unique("browser");
        String token = TOKENS.hs256(claims("judy", List.of(), List.of(topic)));
        String page = "<!doctype html><script>window.got = []; window.errors = 0;"
                + "const source = new EventSource('http://127.0.0.1:" + server().port() + "/api/events?topic=" + topic
                + "', {withCredentials: true});"
                + "source.addEventListener('" + topic + "', e => window.got.push(e.lastEventId));"
                + "source.onerror = () => { window.errors++; source.close(); };</script>";
        HttpServer app = WebPages.serve(APP_PORT, page);
        HttpServer foreign = WebPages.serve(FOREIGN_PORT, page);
        try (Chromium chromium = Chromium.start()) {
            WebDriver browser = chromium.driver();
            JavascriptExecutor script = (JavascriptExecutor) browser;
            // the login: a cookie for Herald's host (cookies do not depend on the port)
            browser.get(server().uri("/").toString());
            browser.manage().addCookie(new Cookie("heraldAuthorization", token, "/"));

            browser.get("http://127.0.0.1:" + APP_PORT + "/page.html");
            Poll.until(() -> subscribers(topic) == 1, () -> "the allowed page's EventSource subscribed");
            String id = new Publisher(server()).publish(topic, "{\"private\":true}");
            Poll.until(() -> String.valueOf(script.executeScript("return window.got.join(',');")).equals(id),
                    () -> "the event in the allowed page: " + script.executeScript("return window.got;"));

            browser.get("http://127.0.0.1:" + FOREIGN_PORT + "/page.html");
            Poll.until(() -> ((Number) script.executeScript("return window.errors;")).intValue() >= 1,
                    () -> "the foreign page's EventSource refused");
            assertEquals(0L, ((Number) script.executeScript("return window.got.length;")).longValue());
        } finally {
            app.stop(0);
            foreign.stop(0);
        }
    }

    private int subscribers(String topic) {
        HttpResponse<String> info = new Publisher(server()).get("/api/topics/" + topic);
        return Json.createReader(new StringReader(info.body())).readObject().getInt("subscribers");
    }
}
