package dev.herald.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JAX-RS engine (herald.sse.engine=jaxrs): the shared contracts for SSE, and fan-out through one SseBroadcaster per topic set keeps each
 * connection's ids increasing across its topics, and the container's sends (Jersey's block) run on the
 * bounded send pool, so stalled clients hold no writer thread and grow the thread count by at most the pool.
 */
class JaxrsEngineIT extends DeployedHerald implements DeliveryContract, SlowConsumerContract, SseEngineContract {
    private static final String PAD_4K = "x".repeat(4 * 1024);
    /** Near herald.max-event-bytes (64 KiB), so that few publishes fill every stalled client's socket buffers. */
    private static final String PAD_60K = "x".repeat(60 * 1024);
    /** The 60 KB events the 200 stalled clients get at once: 6 MB each. */
    private static final int BURST = 100;
    /** herald.sse.send-threads of the shared JAX-RS server (the default). */
    private static final int SEND_THREADS = 16;
    /**
     * What stalled clients may add: the send pool and its watchdog, plus the broadcaster's delivery tasks
     * (Jersey runs them on its own unbounded executor; one per registered sink, and a group registers one
     * per writer lane).
     */
    private static final int THREAD_BOUND = SEND_THREADS + 1 + HeraldDeployment.WRITER_THREADS;
    /** The container's request threads, bounded by its configuration (Payara --maxhttpthreads, WildFly task-max-threads). */
    private static final int CONTAINER_HTTP_THREADS = 16;
    /** The container's own background pools come and go meanwhile (Payara: Hazelcast's cached threads). */
    private static final int CONTAINER_NOISE = 4;
    private static final long MAX_HEAP_GROWTH = 4L << 20;
    /** herald.write-timeout of {@link HeraldDeployment#COMMON}. */
    private static final long WRITE_TIMEOUT_SECONDS = 20;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return HeraldDeployment.common("jaxrs");
    }

    /** The contracts' transports: SSE on this engine (WebSocket does not depend on it: ServletEngineIT). */
    static Stream<Transport> transports() {
        return Stream.of(Transport.SSE);
    }

    @Override
    public String engine() {
        return "jaxrs";
    }

    /** What the server says of its connections and their closes, for a failure message. */
    private static String connectionSeries(HeraldServer server) {
        return java.util.Arrays.stream(server.metricsText().split("\n"))
                .filter(line -> line.startsWith("herald_connections") || line.startsWith("herald_events_dropped"))
                .collect(java.util.stream.Collectors.joining("; "));
    }

    private static String event60k(int n) {
        return "{\"n\":" + n + ",\"pad\":\"" + PAD_60K + "\"}";
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static SseStream open(HeraldServer server, String... topics) {
        StringBuilder query = new StringBuilder();
        for (String topic : topics) {
            query.append(query.isEmpty() ? "" : "&").append("topic=").append(topic);
        }
        SseStream stream = SseStream.open(server, query.toString(), null);
        assertEquals(200, stream.status());
        return stream;
    }

    /** How many threads of the given kinds (see {@link HeraldServer#threadKinds()}) were added. */
    private static int grown(java.util.Map<String, Integer> before, java.util.Map<String, Integer> after, String... kinds) {
        int added = 0;
        for (String kind : kinds) {
            added += after.getOrDefault(kind, 0) - before.getOrDefault(kind, 0);
        }
        return added;
    }

    /** The in-memory log's ids are epoch-sequence; the sequence is the log's total order. */
    private static void assertIncreasing(List<String> ids, String who) {
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(sequence(ids.get(i)) > sequence(ids.get(i - 1)),
                    who + ": ids increase at " + i + ": " + ids.get(i - 1) + " then " + ids.get(i));
        }
    }

    private static long sequence(String id) {
        return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
    }

    @Test
    void connectionsOnSeveralTopicsSeeEveryEventInIncreasingIdOrderWhilePublishersInterleave() throws Exception {
        HeraldServer server = server();
        String a = unique("inter-a");
        String b = unique("inter-b");
        int perTopic = 300;
        try (SseStream ab = open(server, a, b); SseStream ba = open(server, b, a); SseStream onlyA = open(server, a)) {
            ExecutorService publishers = Executors.newFixedThreadPool(2);
            try {
                CompletableFuture<List<String>> idsA = CompletableFuture.supplyAsync(() -> publishAll(server, a, perTopic), publishers);
                CompletableFuture<List<String>> idsB = CompletableFuture.supplyAsync(() -> publishAll(server, b, perTopic), publishers);
                List<String> publishedA = idsA.get();
                List<String> publishedB = idsB.get();
                for (SseStream both : List.of(ab, ba)) {
                    List<String> got = both.awaitEvents(2 * perTopic).stream().map(Received::id).toList();
                    assertIncreasing(got, "connection on " + a + "," + b);
                    assertEquals(publishedA, got.stream().filter(publishedA::contains).toList(), "every event of " + a);
                    assertEquals(publishedB, got.stream().filter(publishedB::contains).toList(), "every event of " + b);
                }
                assertEquals(publishedA, onlyA.awaitEvents(perTopic).stream().map(Received::id).toList());
            } finally {
                publishers.shutdownNow();
            }
        }
    }

    private static List<String> publishAll(HeraldServer server, String topic, int count) {
        Publisher publisher = new Publisher(server);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(publisher.publish(topic, "{\"n\":" + i + "}"));
        }
        return ids;
    }

    /**
     * writer threads + 2 stalled clients and one fast client on one topic, 1 500 events of 4 KB (47 times the
     * queue bound): the fast client gets all of them, heap stays flat, threads grow by at most the send pool.
     */
    @Test
    void stalledClientsHoldNoWriterThreadTheFastClientGetsEveryEvent() {
        HeraldServer server = server();
        Publisher publisher = new Publisher(server);
        String topic = unique("drop.stalled");
        int events = 1_500;
        List<StalledClient> stalled = new ArrayList<>();
        String dropped = "herald_events_dropped_total{mp_scope=\"application\",reason=\"drop-oldest\",transport=\"sse\"}";
        try (SseStream fast = open(server, topic)) {
            double droppedBefore = publisher.metric(dropped);
            long heapBefore = server.heapUsedAfterGc();
            int threadsBefore = server.threadCount();
            for (int i = 0; i < HeraldDeployment.WRITER_THREADS + 2; i++) {
                stalled.add(StalledClient.sse(server, "topic=" + topic));
            }
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                ids.add(publisher.publish(topic, "{\"n\":" + i + ",\"pad\":\"" + PAD_4K + "\"}"));
                if (i % (HeraldDeployment.QUEUE_MAX_EVENTS / 2) == 0) {
                    fast.awaitEvents(i + 1);
                }
            }
            assertEquals(ids, fast.awaitEvents(events).stream().map(Received::id).toList(),
                    "the fast client gets every event, in order");
            assertTrue(publisher.metric(dropped) - droppedBefore > 0, "the stalled clients' overflow is counted in "
                    + dropped);
            int threadGrowth = server.threadCount() - threadsBefore;
            assertTrue(threadGrowth <= THREAD_BOUND + CONTAINER_HTTP_THREADS + CONTAINER_NOISE, "threads grew by "
                    + threadGrowth + " (send pool " + SEND_THREADS + ", broadcaster tasks " + HeraldDeployment.WRITER_THREADS + ")");
            long growth = server.heapUsedAfterGc() - heapBefore;
            System.out.printf("JaxrsEngineIT on %s: %d stalled + 1 fast, %d events: threads +%d, heap after GC %+d KB,"
                    + " dropped %.0f%n", HeraldServer.onWildFly() ? "wildfly" : "payara", stalled.size(), events,
                    threadGrowth, growth / 1024, publisher.metric(dropped) - droppedBefore);
            assertTrue(growth < MAX_HEAP_GROWTH, "heap grew by " + growth + " bytes with ~"
                    + (events * PAD_4K.length() >> 20) + " MB backlog per stalled client");
        } finally {
            stalled.forEach(StalledClient::close);
        }
    }

    /** 200 stalled clients: the send pool's threads block, no more; closing them brings the gauge back to 0. */
    @Test
    void twoHundredStalledClientsGrowTheThreadCountByAtMostTheSendPool() {
        HeraldServer server = server();
        Publisher publisher = new Publisher(server);
        String topic = unique("drop.many");
        String writeTimeouts = "herald_connections_closed_total{mp_scope=\"application\",reason=\"write-timeout\","
                + "transport=\"sse\"}";
        double writeTimeoutsBefore = publisher.metric(writeTimeouts);
        List<StalledClient> stalled = new ArrayList<>();
        try {
            int threadsBefore = server.threadCount();
            java.util.Map<String, Integer> kindsBefore = server.threadKinds();
            for (int i = 0; i < 200; i++) {
                stalled.add(StalledClient.sse(server, "topic=" + topic));
            }
            int peak = 0;
            long publishing = System.nanoTime();
            // 6 MB per client: more than its socket buffers take (the kernel lets a loopback sender's buffer grow
            // to 4 MB), so every one of them stalls
            // should a publish hang, what the server's threads were doing goes to this class's output
            java.util.concurrent.ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor();
            try {
                for (int i = 0; i < BURST; i++) {
                    java.util.concurrent.ScheduledFuture<?> dump = watch.schedule(() -> System.out.println(
                            "JaxrsEngineIT: a publish is unanswered after 20 s; server threads:\n"
                                    + server.jcmd("Thread.print")), 20, java.util.concurrent.TimeUnit.SECONDS);
                    publisher.publish(topic, event60k(i));
                    dump.cancel(false);
                    peak = Math.max(peak, server.threadCount());
                }
            } finally {
                watch.shutdownNow();
            }
            long published = System.nanoTime();
            int growth = peak - threadsBefore;
            java.util.Map<String, Integer> kindsAfter = server.threadKinds();
            System.out.printf("JaxrsEngineIT on %s: 200 stalled clients: threads %d -> peak %d (+%d); after %s%n",
                    HeraldServer.onWildFly() ? "wildfly" : "payara", threadsBefore, peak, growth, kindsAfter);
            int sse = grown(kindsBefore, kindsAfter, "herald-sse-send-#", "herald-sse-send-watchdog",
                    "jersey-server-managed-async-executor-#");
            assertTrue(sse <= THREAD_BOUND, "the SSE path added " + sse + " threads with 200 stalled clients (send pool "
                    + SEND_THREADS + " + watchdog, broadcaster tasks " + HeraldDeployment.WRITER_THREADS + "): before "
                    + kindsBefore + ", after " + kindsAfter);
            assertTrue(growth <= THREAD_BOUND + CONTAINER_HTTP_THREADS + CONTAINER_NOISE, "threads grew by " + growth
                    + ": before " + kindsBefore + ", after " + kindsAfter);
            // stalled subscribers are closed as write-timeout: on Payara, where Jersey's sends block and exhaust the
            // pool, by the pool before herald.write-timeout could expire; on WildFly, whose sends do not hold a
            // thread, by herald.write-timeout once a send has stayed pending that long. A send stays pending only
            // once a client's socket buffers are full, and drop-oldest may have discarded so much of the burst
            // that they are not (seen in full CI runs on WildFly: 2.0 MB in each socket, which still took
            // more, where 2.6-2.8 MB sit when a send sticks; the clients then got only heartbeats, which fit):
            // so events keep coming while we wait
            java.util.concurrent.ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor();
            java.util.concurrent.atomic.AtomicInteger fed = new java.util.concurrent.atomic.AtomicInteger(BURST);
            feeder.scheduleWithFixedDelay(() -> publisher.publish(topic, event60k(fed.getAndIncrement())), 0, 100,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
            try {
                Poll.until(() -> publisher.metric(writeTimeouts) - writeTimeoutsBefore >= 1,
                        java.time.Duration.ofSeconds(WRITE_TIMEOUT_SECONDS * 4),
                        () -> "a write-timeout close counted in " + writeTimeouts + " (" + (fed.get() - BURST)
                                + " more events published meanwhile); now " + connectionSeries(server));
            } finally {
                feeder.shutdownNow();
            }
            long now = System.nanoTime();
            long sinceStart = (now - publishing) / 1_000_000_000L;
            long sinceEnd = (now - published) / 1_000_000_000L;
            System.out.printf("JaxrsEngineIT on %s: first write-timeout close %d s after publishing began, %d s after"
                    + " the burst ended%n", HeraldServer.onWildFly() ? "wildfly" : "payara", sinceStart, sinceEnd);
            if (!HeraldServer.onWildFly()) {
                assertTrue(sinceStart < WRITE_TIMEOUT_SECONDS,
                        "the exhausted pool gave a subscriber up only after " + sinceStart + " s");
            }
        } finally {
            stalled.forEach(StalledClient::close);
        }
        Poll.until(() -> publisher.connections("sse") == 0, () -> "herald_connections of sse back to 0");
    }
}
