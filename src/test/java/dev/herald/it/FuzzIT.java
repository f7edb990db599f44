package dev.herald.it;

import dev.herald.security.TestTokens;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input against a running Herald while well-behaved clients use it: a seeded generator (system
 * property herald.fuzz.seed, else random; printed, and in every failure, so that -Dherald.fuzz.seed=N replays
 * a run) throws at least 50 cases of each category at the server — bodies, broken JSON, huge headers, resume
 * positions, topic names, tokens, half-open and slow connections, raw WebSocket frames — while one SSE and
 * one WebSocket subscriber receive a numbered event published every ~20 ms. Each case must get its
 * documented answer (README, or what the container was measured to answer where Herald never sees the
 * request); the server never answers 5xx and stays ready; Herald counts every refusal it gave; connections
 * and open files return to their baseline; the subscribers receive every event, in order.
 */
@RunAsClient
class FuzzIT extends DeployedHerald {
    static final int MAX_EVENT_BYTES = 128 * 1024;
    static final int CASES = 100;
    static final int SLOWLORIS_CASES = 50;
    static final String LIVE_TOPIC = "fuzz.live";
    /**
     * Open files may end a little above the baseline without any leak: the server opens some descriptors
     * lazily (class and jar files of code paths first run here), and the test's pooled HTTP connection to the
     * server may have been replaced. On top of this tolerance the check allows the NIO selectors (an epoll and
     * an eventfd each) that appeared during the run: WildFly's worker threads create one each the first time
     * they block on I/O (measured: up to 4), bounded by the thread pools, not by connections. Sockets are
     * checked on their own, in /proc: a leak of this run's 400+ connections would show there by the dozen.
     */
    static final int FD_TOLERANCE = 5;
    /** Sockets may end one above the baseline: the test's pooled keep-alive connection may have been replaced. */
    static final int SOCKET_TOLERANCE = 1;

    @Deployment(testable = false)
    static WebArchive deployment() {
        Map<String, String> settings = new TreeMap<>();
        settings.put("herald.max-event-bytes", Integer.toString(MAX_EVENT_BYTES));
        settings.put("herald.write-timeout", "3s");
        settings.put("herald.heartbeat-interval", "1s");
        settings.put("herald.policies", "*=drop-oldest");
        settings.put("herald.private-topics", "private.*");
        settings.put("herald.jwt.hmac-secret", TestTokens.HMAC_SECRET);
        return HeraldDeployment.war(settings);
    }

    @Override
    public String engine() {
        return "servlet";
    }

    @Test
    void hostileInputGetsItsDocumentedAnswerAndNeverHurtsTheServerOrItsSubscribers() throws Exception {
        long seed = Long.getLong("herald.fuzz.seed", new SecureRandom().nextLong());
        System.out.println("FuzzIT seed " + seed + " (replay: -Dherald.fuzz.seed=" + seed + ")");
        FuzzRun run = new FuzzRun(seed);
        HeraldServer server = server();
        boolean wildFly = server.onWildFlyRuntime();
        Publisher publisher = new Publisher(server);
        List<String> retained = List.of(publisher.publish(FuzzStreams.RESUME_TOPIC, "{\"r\":1}"),
                publisher.publish(FuzzStreams.RESUME_TOPIC, "{\"r\":2}"), publisher.publish(FuzzStreams.RESUME_TOPIC, "{\"r\":3}"));
        FuzzBodies bodies = new FuzzBodies(server.port(), MAX_EVENT_BYTES);
        FuzzRequests requests = new FuzzRequests(server.port(), wildFly);
        FuzzStreams streams = new FuzzStreams(server.port(), wildFly, MAX_EVENT_BYTES, retained);
        long t0 = System.nanoTime();
        // warm-up: each code path once, so what the server opens lazily is in the baseline
        FuzzRun warmUp = new FuzzRun(seed);
        warmUp.run("warm-up", List.of(bodies.bodies(new Random(seed), 10), bodies.json(new Random(seed), 10),
                requests.topics(new Random(seed), 6), streams.frames(new Random(seed), 18)).stream().flatMap(List::stream).toList(), 4);
        // and bodies that arrive after their headers on every request thread: Undertow's blocking reads give each
        // task thread that waits for a body its own selector (an epoll and an eventfd) the first time
        byte[] big = FuzzBodies.utf8("\"" + "w".repeat(MAX_EVENT_BYTES - 2) + "\"");
        warmUp.run("warm-up bodies", java.util.stream.IntStream.range(0, 64).mapToObj(i -> new FuzzRun.Case("a big body",
                () -> FuzzRun.heraldAnswer(rawPublish(server, "fuzz.warm", big), 202, null, null))).toList(), 16);
        warmUp.failures().forEach(run::fail);
        List<String> published = Collections.synchronizedList(new ArrayList<>());
        try (SseStream sse = SseStream.open(server, "topic=" + LIVE_TOPIC, null);
             WsStream ws = WsStream.open(server, "topic=" + LIVE_TOPIC);
             Background live = Background.start("fuzz-live-publisher", () -> published.add(
                     publisher.publish(LIVE_TOPIC, "{\"n\":" + published.size() + "}")), 20, run)) {
            assertEquals(200, sse.status(), run.prefix() + "the SSE subscriber");
            // the baseline: the two subscribers, nothing else (the warm-up's connections are gone)
            Metrics baseline = Metrics.await(server, m -> m.connections() == 2, run.prefix() + "only the two subscribers connected");
            OpenFiles filesBefore = OpenFiles.of(server.pid());

            // the slowloris connections take the header timeout (30 s) each: they run meanwhile, all at once
            Thread slowloris = new Thread(() -> run.run("9 slowloris", FuzzSlowloris.cases(server.port(), wildFly,
                    random(seed, 9), SLOWLORIS_CASES), SLOWLORIS_CASES), "fuzz-slowloris");
            slowloris.start();
            run.run("1 bodies", bodies.bodies(random(seed, 1), CASES), 4);
            run.run("2 broken and deep JSON", bodies.json(random(seed, 2), CASES), 4);
            run.run("3 huge headers", requests.headers(random(seed, 3), CASES), 2);
            run.run("4 resume positions", streams.resumes(random(seed, 4), CASES), 6);
            run.run("5 topic names", requests.topics(random(seed, 5), 3 * CASES / 2), 6);
            run.run("6 tokens", requests.tokens(random(seed, 6), CASES), 6);
            connections(run, server, baseline, random(seed, 7));
            run.run("8 WebSocket frames", streams.frames(random(seed, 8), CASES), 4);
            slowloris.join();

            live.close();
            List<String> ids = List.copyOf(published);
            assertTrue(ids.size() > 100, run.prefix() + "the publisher kept publishing: " + ids.size());
            sse.await(items -> items.size() >= ids.size(), ids.size() + " events on SSE");
            ws.await(items -> items.size() >= ids.size(), ids.size() + " events on WebSocket");
            assertEquals(ids, sse.all().stream().map(Received::id).toList(), run.prefix() + "SSE got every event, in order");
            assertEquals(ids, ws.all().stream().map(Received::id).toList(), run.prefix() + "WebSocket got every event, in order");

            Metrics after = Metrics.await(server, m -> {
                OpenFiles now = OpenFiles.of(server.pid());
                return m.connections() == baseline.connections() && now.sockets() <= filesBefore.sockets() + SOCKET_TOLERANCE
                        && m.openFiles() <= baseline.openFiles() + FD_TOLERANCE + now.selectorsMoreThan(filesBefore);
            }, run.prefix() + "connections, sockets and open files back to the baseline "
                    + baseline + " (more than then: " + OpenFiles.of(server.pid()).moreThan(filesBefore) + ")");
            for (String endpoint : List.of("publish", "sse", "ws")) {
                double rose = after.rejected(endpoint) - baseline.rejected(endpoint);
                run.note("rejected " + endpoint, run.rejected(endpoint) + " cases refused by Herald, counter +" + rose);
                assertTrue(rose >= run.rejected(endpoint), run.prefix() + "herald_requests_rejected_total{endpoint=\"" + endpoint
                        + "\"} rose by " + rose + ", Herald refused " + run.rejected(endpoint) + " cases");
            }
            run.note("resets", streams.resets.get() + " cases, herald_resumes_total{outcome=reset} +" + (after.resets() - baseline.resets()));
            run.note("open files", "baseline " + baseline.openFiles() + ", end " + after.openFiles() + " "
                    + OpenFiles.of(server.pid()).moreThan(filesBefore) + "; events " + ids.size());
            assertTrue(after.resets() - baseline.resets() >= streams.resets.get(), run.prefix() + "herald_resumes_total{outcome=reset}");
        } finally {
            System.out.printf("FuzzIT seed %d on %s: %.1f s%n%s", seed, wildFly ? "WildFly" : "Payara",
                    (System.nanoTime() - t0) / 1e9, run.summaryText());
            run.failures().forEach(System.out::println);
        }
        assertEquals(200, server.readiness().status(), run.prefix() + "ready at the end");
        assertEquals(List.of(), run.failures(), run.prefix() + run.failures().size() + " cases got the wrong answer");
    }

    /** Category 7, and that the server closed the stalled readers itself while their sockets stayed open. */
    private static void connections(FuzzRun run, HeraldServer server, Metrics baseline, Random random) throws Exception {
        byte[] flood = FuzzBodies.utf8("{\"flood\":\"" + "f".repeat(32 * 1024) + "\"}");
        int readers = 8;
        try (FuzzConnections connections = new FuzzConnections(server)) {
            run.run("7 half-open, slow writers, slow readers", connections.cases(random, CASES, readers), 12);
            Metrics closed;
            // one connection per publish (no connection pool that would keep another socket open in the server)
            try (Background ignored = Background.start("fuzz-flood", () -> FuzzRun.heraldAnswer(rawPublish(server,
                    FuzzConnections.FLOOD_TOPIC, flood), 202, null, null), 10, run)) {
                // their sockets are still open on this side: only the server can have closed them
                closed = Metrics.await(server, m -> m.connections() == baseline.connections(),
                        run.prefix() + "the server closing its " + connections.stalledReaders() + " stalled readers");
            }
            if (closed.writeTimeouts() - baseline.writeTimeouts() < readers) {
                run.fail("7: " + readers + " stalled readers, write-timeout closes rose by " + (closed.writeTimeouts() - baseline.writeTimeouts()));
            }
            connections.stalledReadersEnded().forEach(problem -> run.fail("7: " + problem));
        }
    }

    static RawHttp.Answer rawPublish(HeraldServer server, String topic, byte[] body) {
        return RawHttp.exchange(server.port(), RawHttp.request("POST", "/api/topics/" + topic,
                Map.of("Authorization", "Bearer " + HeraldServer.TOKEN, "Content-Type", "application/json"), body));
    }

    private static Random random(long seed, int category) {
        return new Random(seed * 31 + category);
    }
}
