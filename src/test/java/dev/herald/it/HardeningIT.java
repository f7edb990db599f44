package dev.herald.it;

import dev.herald.security.TestTokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The limits of issue 14 over the wire, each with its documented answer and counter: connections per client
 * address behind a trusted proxy (SSE 429 + Retry-After, WebSocket 1013), publish rate per token subject (429 +
 * Retry-After; over WebSocket an error answer), WebSocket message flood (1008); and dead peers: a WebSocket client
 * frozen with SIGSTOP is closed by the pong deadline, an SSE client that stops reading by the write timeout.
 */
@RunAsClient
class HardeningIT extends DeployedHerald {
    static final int PER_ADDRESS = 3;
    static final int PUBLISH_RATE = 5;
    static final int WS_MESSAGES_PER_SECOND = 20;
    static final int HEARTBEAT_SECONDS = 1;
    static final int PONG_TIMEOUT_SECONDS = 2;
    static final int WRITE_TIMEOUT_SECONDS = 3;
    static final TestTokens TOKENS = new TestTokens();

    @Deployment(testable = false)
    static WebArchive deployment() {
        Map<String, String> settings = new TreeMap<>(HeraldDeployment.COMMON);
        settings.put("herald.sse.engine", "servlet");
        settings.put("herald.jwt.hmac-secret", TestTokens.HMAC_SECRET);
        settings.put("herald.limits.connections-per-address", Integer.toString(PER_ADDRESS));
        settings.put("herald.trusted-proxies", "127.0.0.1,::1");
        settings.put("herald.limits.publish-rate", Integer.toString(PUBLISH_RATE));
        settings.put("herald.ws.max-messages-per-second", Integer.toString(WS_MESSAGES_PER_SECOND));
        settings.put("herald.heartbeat-interval", HEARTBEAT_SECONDS + "s");
        settings.put("herald.ws.pong-timeout", PONG_TIMEOUT_SECONDS + "s");
        settings.put("herald.write-timeout", WRITE_TIMEOUT_SECONDS + "s");
        return HeraldDeployment.war(settings);
    }

    @Override
    public String engine() {
        return "servlet";
    }

    private static String rejected(String endpoint, String reason) {
        return "herald_requests_rejected_total{endpoint=\"" + endpoint + "\",mp_scope=\"application\",reason=\""
                + reason + "\"}";
    }

    private static String closed(String transport, String reason) {
        return "herald_connections_closed_total{mp_scope=\"application\",reason=\"" + reason + "\",transport=\""
                + transport + "\"}";
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static Map<String, String> from(String address) {
        return Map.of("X-Forwarded-For", address);
    }

    private static void signal(String signal, Process process) {
        Processes.run(List.of("kill", signal, Long.toString(process.pid())), Map.of(), java.time.Duration.ofSeconds(10));
    }

    private double connections(String transport) {
        return new Publisher(server()).connections(transport);
    }

    @Test
    void oneAddressBehindTheTrustedProxyGetsItsShareThen429AndWebSocket1013() {
        Publisher metrics = new Publisher(server());
        double sseBefore = metrics.metric(rejected("sse", "address-limit"));
        double wsBefore = metrics.metric(rejected("ws", "address-limit"));
        List<EventStream> open = new ArrayList<>();
        try {
            for (int i = 0; i < PER_ADDRESS; i++) {
                SseStream stream = SseStream.open(server().uri("/api/events?topic=addr"), null, null, from("203.0.113.7"));
                open.add(stream);
                assertEquals(200, stream.status());
            }
            // the client's own claim left of the proxy's hop is not believed: still 203.0.113.7
            SseStream refused = SseStream.open(server().uri("/api/events?topic=addr"), null, null,
                    from("198.51.100.1, 203.0.113.7"));
            open.add(refused);
            assertEquals(429, refused.status());
            assertEquals("5", refused.headers().firstValue("Retry-After").orElse(null));
            refused.awaitEnd();
            assertEquals("address-limit", json(String.join("\n", refused.rawLines())).getString("error"));
            try (WsStream ws = WsStream.connect(server(), "topic=addr", from("203.0.113.7"))) {
                assertEquals(1013, ws.awaitCloseCode(), ws.closeReason());
                assertEquals("address-limit", json(ws.closeReason()).getString("error"));
            }
            WsStream other = WsStream.open(server(), "topic=addr", from("203.0.113.8"));
            open.add(other);
            Poll.until(() -> metrics.metric(rejected("sse", "address-limit")) == sseBefore + 1
                    && metrics.metric(rejected("ws", "address-limit")) == wsBefore + 1, () -> "both refusals counted");
        } finally {
            open.forEach(EventStream::close);
        }
        Poll.until(() -> connections("sse") + connections("ws") == 0, () -> "connections released");
        // the address' slots are free again
        try (SseStream again = SseStream.open(server().uri("/api/events?topic=addr"), null, null, from("203.0.113.7"))) {
            assertEquals(200, again.status());
        }
        awaitNoConnections();
    }

    /** Tests here leave nothing open; a closed SSE client is noticed at the next heartbeat (1 s). */
    private void awaitNoConnections() {
        Poll.until(() -> connections("sse") + connections("ws") == 0, () -> "no connections left");
    }

    @Test
    void aPublisherOverItsRateGets429WithRetryAfterAndOthersAreNotSlowed() {
        Publisher publisher = new Publisher(server());
        double before = publisher.metric(rejected("publish", "rate-limited"));
        String fast = TOKENS.hs256(TestTokens.claims("fast-" + System.nanoTime(), List.of("*"), List.of()));
        String calm = TOKENS.hs256(TestTokens.claims("calm-" + System.nanoTime(), List.of("*"), List.of()));
        int accepted = 0;
        HttpResponse<String> limited = null;
        for (int i = 0; i < 4 * PUBLISH_RATE && limited == null; i++) {
            HttpResponse<String> response = publisher.post("rated", "{\"n\":" + i + "}",
                    Map.of("Authorization", "Bearer " + fast, "Content-Type", "application/json"));
            if (response.statusCode() == 202) {
                accepted++;
            } else {
                limited = response;
            }
        }
        assertTrue(limited != null, "refused within " + 4 * PUBLISH_RATE + " publishes");
        assertEquals(429, limited.statusCode(), limited.body());
        assertEquals("rate-limited", json(limited.body()).getString("error"));
        long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElse("0"));
        assertTrue(retryAfter >= 1, "Retry-After in whole seconds: " + retryAfter);
        assertTrue(accepted >= PUBLISH_RATE, "the burst first: " + accepted);
        HttpResponse<String> other = publisher.post("rated", "{}",
                Map.of("Authorization", "Bearer " + calm, "Content-Type", "application/json"));
        assertEquals(202, other.statusCode(), "another subject has its own budget");
        Poll.until(() -> publisher.metric(rejected("publish", "rate-limited")) >= before + 1, () -> "counted");

        // over WebSocket the same budget answers with an error, the connection stays
        try (WsStream ws = WsStream.open(server(), "topic=rated-ws", Map.of("Authorization", "Bearer " + fast,
                "X-Forwarded-For", "203.0.113.20"))) {
            for (int i = 0; i < 3 * PUBLISH_RATE; i++) {
                ws.send("{\"type\":\"publish\",\"topic\":\"rated-ws\",\"data\":{},\"ref\":" + i + "}");
            }
            ws.await(all -> all.stream().anyMatch(m -> m.kind().equals("error") && m.data().contains("\"rate-limited\"")), "a rate-limited answer");
        }
    }

    @Test
    void aWebSocketClientThatFloodsIsClosedWith1008() {
        Publisher metrics = new Publisher(server());
        double before = metrics.metric(rejected("ws", "too-many-messages"));
        try (WsStream ws = WsStream.open(server(), "topic=flood", from("203.0.113.30"))) {
            try {
                for (int i = 0; i < 5 * WS_MESSAGES_PER_SECOND; i++) {
                    ws.send("{\"type\":\"subscribe\",\"topics\":[\"flood\"]}");
                }
            } catch (java.util.concurrent.CompletionException e) {
                // the server closed while the flood was still going out
            }
            assertEquals(1008, ws.awaitCloseCode(), ws.closeReason());
            assertEquals("too-many-messages", json(ws.closeReason()).getString("error"));
        }
        Poll.until(() -> metrics.metric(rejected("ws", "too-many-messages")) == before + 1, () -> "counted once");
    }

    @Test
    void aFrozenWebSocketClientIsClosedByThePongDeadline() throws Exception {
        Publisher metrics = new Publisher(server());
        awaitNoConnections();
        double wsBefore = 0;
        double pongTimeouts = metrics.metric(closed("ws", "pong-timeout"));
        String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process client = new ProcessBuilder(javaBinary, "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                IdleWebSocketClient.class.getName(), server().wsUri("/ws/events?topic=frozen").toString(),
                "X-Forwarded-For=203.0.113.40").redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("subscribed", out.readLine(), "the client process subscribed");
            Poll.until(() -> connections("ws") == wsBefore + 1, () -> "connection counted");
            // alive and answering: it outlives several heartbeats plus the deadline
            Poll.staysTrue(() -> connections("ws") == wsBefore + 1,
                    java.time.Duration.ofSeconds(HEARTBEAT_SECONDS + PONG_TIMEOUT_SECONDS + 1), "an answering client stays");
            signal("-STOP", client);
            long stopped = System.nanoTime();
            Poll.until(() -> connections("ws") == wsBefore, () -> "the frozen client closed (gauge back)");
            double seconds = (System.nanoTime() - stopped) / 1e9;
            System.out.printf("HardeningIT on %s: frozen WebSocket closed %.1f s after SIGSTOP (heartbeat %d s + pong"
                    + " deadline %d s)%n", HeraldServer.onWildFly() ? "WildFly" : "Payara", seconds, HEARTBEAT_SECONDS,
                    PONG_TIMEOUT_SECONDS);
            assertTrue(seconds <= HEARTBEAT_SECONDS + PONG_TIMEOUT_SECONDS + 2, "within heartbeat + deadline: " + seconds);
            Poll.until(() -> metrics.metric(closed("ws", "pong-timeout")) == pongTimeouts + 1, () -> "counted as pong-timeout");
        } finally {
            signal("-CONT", client);
            client.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWebSocketClientThatNeverAnswersPingsGetsClose1013PongTimeout() {
        awaitNoConnections();
        // a raw client that reads nothing answers no ping; what it is sent stays in its socket to be read after
        try (StalledClient silent = StalledClient.ws(server(), "topic=silent")) {
            List<String> messages = silent.readUntil(message -> message.startsWith("close:"),
                    (HEARTBEAT_SECONDS + PONG_TIMEOUT_SECONDS + 10) * 1000L);
            String close = messages.stream().filter(message -> message.startsWith("close:")).findFirst().orElseThrow();
            assertTrue(close.startsWith("close:1013:"), close);
            assertEquals("pong-timeout", json(close.substring("close:1013:".length())).getString("error"));
        }
    }

    @Test
    void anSseClientThatStopsReadingWhileDataFlowsIsClosedByTheWriteTimeout() {
        Publisher publisher = new Publisher(server());
        double before = publisher.metric(closed("sse", "write-timeout"));
        awaitNoConnections();
        double sseBefore = 0;
        String big = "{\"pad\":\"" + "x".repeat(16 * 1024) + "\"}";
        try (StalledClient stalled = StalledClient.sse(server(), "topic=drop.stalled")) {
            Poll.until(() -> connections("sse") == sseBefore + 1, () -> "stalled client connected");
            long start = System.nanoTime();
            // data keeps flowing until the server gives up on the write (socket buffers full, then the timeout)
            while (publisher.metric(closed("sse", "write-timeout")) == before) {
                // 1.6 MB per metrics read: reading WildFly's metrics waits for an export, so it must not pace the data
                for (int i = 0; i < 100; i++) {
                    publisher.publish("drop.stalled", big);
                }
                assertTrue(System.nanoTime() - start < 60_000_000_000L, "closed within a minute");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("HardeningIT on %s: SSE client that stopped reading closed as write-timeout %.1f s after"
                    + " data began (herald.write-timeout %d s)%n", HeraldServer.onWildFly() ? "WildFly" : "Payara", seconds,
                    WRITE_TIMEOUT_SECONDS);
            assertTrue(seconds >= WRITE_TIMEOUT_SECONDS, "not before the timeout: " + seconds);
            Poll.until(() -> connections("sse") == sseBefore, () -> "gauge back");
        }
    }
}
