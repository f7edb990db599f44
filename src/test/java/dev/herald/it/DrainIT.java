package dev.herald.it;

import jakarta.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The graceful drain on both runtimes (POST /api/admin/drain, as a Kubernetes preStop hook calls it): a node with
 * 200 SSE subscribers and 20 WebSockets turns readiness DOWN at once, refuses publishes after the grace, and ends
 * its connections spread over the period (not all in its first second); each SSE client resumes on the other node,
 * which shares the Redis log, with exactly the published ids — no gap, no duplicate, no reset; each WebSocket gets
 * 1001 with Herald's JSON reason.
 */
@EnabledIfSystemProperty(named = "herald.it.runtime", matches = "payara")
@ExtendWith(RedisNodes.Extension.class)
class DrainIT {
    static final int SSE_CLIENTS = 200;
    static final int WS_CLIENTS = 20;
    static final int GRACE_SECONDS = 1;
    static final int PERIOD_SECONDS = 5;

    private static RedisNodes nodes;
    private static HeraldServer drainedPayara;
    private static HeraldServer drainedWildFly;

    @BeforeAll
    static void start(RedisNodes shared) {
        nodes = shared;
        CompletableFuture<HeraldServer> wildFly = CompletableFuture.supplyAsync(() -> node("drain-wildfly", "wildfly"));
        try {
            drainedPayara = node("drain-payara", "payara");
        } finally {
            drainedWildFly = wildFly.join();
        }
    }

    private static HeraldServer node(String name, String runtime) {
        return HeraldServer.builder(name).runtime(runtime).properties(RedisNodes.nodeProperties(nodes.redis, name))
                .property("herald.drain.grace", GRACE_SECONDS + "s")
                .property("herald.drain.period", PERIOD_SECONDS + "s").start();
    }

    @AfterAll
    static void stop() {
        for (HeraldServer server : new HeraldServer[] {drainedPayara, drainedWildFly}) {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void aDrainedPayaraNodeSpreadsItsClosesAndItsClientsResumeOnWildFly() {
        drainAndResume(drainedPayara, nodes.wildFly, false);
    }

    @Test
    void aDrainedWildFlyNodeSpreadsItsClosesAndItsClientsResumeOnPayara() {
        drainAndResume(drainedWildFly, nodes.payara, true);
    }

    private static double connections(HeraldServer server) {
        return new Publisher(server).connections();
    }

    /** @param wait drain with {@code ?wait=true} (as a preStop hook does): 200 only once every connection ended */
    private static void drainAndResume(HeraldServer drained, HeraldServer survivor, boolean wait) {
        String name = drained.onWildFlyRuntime() ? "WildFly" : "Payara";
        String topic = ScaleOutIT.unique("drain");
        Publisher publisher = new Publisher(survivor);
        String start = publisher.publish(topic, "{\"start\":true}");
        List<ResumingSseClient> clients = new ArrayList<>();
        List<WsStream> sockets = new ArrayList<>();
        List<String> published = new CopyOnWriteArrayList<>();
        AtomicBoolean publishing = new AtomicBoolean(true);
        Thread feed = new Thread(() -> {
            int n = 0;
            while (publishing.get()) {
                published.add(publisher.publish(topic, "{\"n\":" + n++ + "}"));
                java.util.concurrent.locks.LockSupport.parkNanos(25_000_000L); // pacing the feed, ~40 events/s
            }
        }, "drain-feed");
        try {
            for (int i = 0; i < SSE_CLIENTS; i++) {
                clients.add(ResumingSseClient.open(List.of(drained.uri("/api/events?topic=" + topic),
                        survivor.uri("/api/events?topic=" + topic)), start));
            }
            for (int i = 0; i < WS_CLIENTS; i++) {
                sockets.add(WsStream.open(drained, "topic=" + topic + "&lastEventId=" + start));
            }
            Poll.until(() -> connections(drained) == SSE_CLIENTS + WS_CLIENTS, () -> "all connected to " + name
                    + " (" + connections(drained) + ")");
            feed.start();
            Poll.until(() -> published.size() >= 20, () -> "publishing");

            // measured from before the request: the drain starts while it is answered
            long drainStarted = System.nanoTime();
            HttpRequest drain = Http.request(drained.uri("/api/admin/drain" + (wait ? "?wait=true" : "")))
                    .header("Authorization", "Bearer " + HeraldServer.TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build();
            long[] answeredAt = new long[1];
            CompletableFuture<HttpResponse<String>> answer = Http.CLIENT.sendAsync(drain, HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, failure) -> answeredAt[0] = System.nanoTime());
            Poll.until(() -> drained.readiness().status() == 503, () -> "readiness DOWN");
            // the dashboards' "Drain and backplane per node" panel (WildFly: the next OTLP export); 0 on a node that
            // does not drain is ObservabilityIT's (the survivor here is a shared node whose metrics go elsewhere)
            Metrics.await(drained, metrics -> metrics.sum("herald_draining") == 1, name + " herald_draining 1");
            HttpResponse<String> accepted = wait ? Http.send(Http.request(drained.uri("/api/admin/drain"))
                    .header("Authorization", "Bearer " + HeraldServer.TOKEN).POST(HttpRequest.BodyPublishers.noBody())
                    .build()) : answer.join();
            assertEquals(202, accepted.statusCode(), "without wait, and a second call while it runs: " + accepted.body());
            assertEquals(PERIOD_SECONDS, Json.createReader(new StringReader(accepted.body())).readObject()
                    .getJsonNumber("periodSeconds").intValue());

            // probes on a topic of their own: those the grace still accepts are events like any other
            String probes = topic + "-probe";
            Poll.until(() -> new Publisher(drained).post(probes, "{}", Map.of("Authorization", "Bearer " + HeraldServer.TOKEN,
                    "Content-Type", "application/json")).statusCode() == 503, () -> "publishes refused after the grace");
            HttpResponse<String> refused = new Publisher(drained).post(probes, "{}", Map.of("Authorization",
                    "Bearer " + HeraldServer.TOKEN, "Content-Type", "application/json"));
            assertEquals("draining", Json.createReader(new StringReader(refused.body())).readObject().getString("error"));
            assertEquals("5", refused.headers().firstValue("Retry-After").orElse(null));
            // new subscriptions go elsewhere too
            try (SseStream late = SseStream.open(drained, "topic=" + probes, null)) {
                assertEquals(503, late.status(), "a subscription during the drain");
                assertEquals("5", late.headers().firstValue("Retry-After").orElse(null));
                late.awaitEnd();
                assertEquals("draining", Json.createReader(new StringReader(String.join("\n", late.rawLines())))
                        .readObject().getString("error"));
            }
            try (WsStream late = WsStream.connect(drained, "topic=" + probes)) {
                assertEquals(1013, late.awaitCloseCode(), late.closeReason());
                assertTrue(late.closeReason().contains("\"error\":\"draining\""), late.closeReason());
            }
            HttpResponse<String> anonymous = Http.send(Http.request(drained.uri("/api/admin/drain"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(401, anonymous.statusCode(), "the drain endpoint needs the operator token");

            Poll.until(() -> clients.stream().allMatch(client -> !client.endedAtNanos().isEmpty()),
                    () -> "every SSE stream of " + name + " ended");
            for (WsStream socket : sockets) {
                assertEquals(1001, socket.awaitCloseCode(), socket.closeReason());
                assertTrue(socket.closeReason().contains("\"error\":\"shutdown\""), socket.closeReason());
            }
            Poll.until(() -> connections(drained) == 0, () -> name + "'s gauge back to 0");
            if (wait) {
                HttpResponse<String> ended = answer.join();
                assertEquals(200, ended.statusCode(), ended.body());
                double answeredSeconds = (answeredAt[0] - drainStarted) / 1e9;
                assertTrue(answeredSeconds >= GRACE_SECONDS + 0.6 * PERIOD_SECONDS,
                        "?wait=true answered when the drain had ended, not at once: " + answeredSeconds + " s");
            }
            publishing.set(false);
            feed.join(10_000);
            List<String> ids = List.copyOf(published);
            double[] endSeconds = clients.stream().mapToDouble(client ->
                    (client.endedAtNanos().get(0) - drainStarted) / 1e9 - GRACE_SECONDS).sorted().toArray();
            for (ResumingSseClient client : clients) {
                assertEquals(ids, client.awaitEvents(ids.size()).stream().map(Received::id).toList(),
                        "exactly the published ids, in order, across the drain; connections: " + client.nodes());
                assertTrue(client.all().stream().noneMatch(item -> item.kind().equals("reset")), "no reset");
                assertEquals(2, client.nodes().size(), "one connection to each node: " + client.nodes());
            }
            long inFirstSecond = java.util.Arrays.stream(endSeconds).filter(t -> t < 1).count();
            System.out.printf("DrainIT %s: %d SSE streams ended over the %d s period: first %.2f s, median %.2f s, last"
                            + " %.2f s after the grace; %d in its first second; %d events, each client had all%n", name,
                    SSE_CLIENTS, PERIOD_SECONDS, endSeconds[0], endSeconds[endSeconds.length / 2],
                    endSeconds[endSeconds.length - 1], inFirstSecond, ids.size());
            assertTrue(inFirstSecond <= SSE_CLIENTS / 2, "not all in the first second: " + inFirstSecond);
            assertTrue(endSeconds[endSeconds.length - 1] >= PERIOD_SECONDS * 0.6, "spread to the end of the period");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            publishing.set(false);
            clients.forEach(ResumingSseClient::close);
            sockets.forEach(WsStream::close);
        }
    }
}
