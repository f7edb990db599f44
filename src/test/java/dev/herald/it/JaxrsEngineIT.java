package dev.herald.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
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
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class JaxrsEngineIT implements DeliveryContract, SlowConsumerContract, SseEngineContract {
    private static final String PAD_4K = "x".repeat(4 * 1024);
    private static final String PAD_32K = "x".repeat(32 * 1024);
    /** herald.sse.send-threads of the shared JAX-RS server (the default). */
    private static final int SEND_THREADS = 16;
    /**
     * What stalled clients may add: the send pool, plus the broadcaster's delivery tasks (Jersey runs them on
     * its own unbounded executor; one per registered sink, and a group registers one per writer lane).
     */
    private static final int THREAD_BOUND = SEND_THREADS + HeraldDeployment.WRITER_THREADS;
    private static final long MAX_HEAP_GROWTH = 4L << 20;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return HeraldDeployment.common("jaxrs");
    }

    /** The contracts' transports: SSE on this engine (WebSocket does not depend on it: ServletEngineIT). */
    static Stream<Transport> transports() {
        return Stream.of(Transport.SSE);
    }

    @Override
    public HeraldServer server() {
        return HeraldDeployment.server(base);
    }

    @Override
    public String engine() {
        return "jaxrs";
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
        try (SseStream fast = open(server, topic)) {
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
            int threadGrowth = server.threadCount() - threadsBefore;
            assertTrue(threadGrowth <= THREAD_BOUND, "threads grew by " + threadGrowth + " (send pool " + SEND_THREADS
                    + ", broadcaster tasks " + HeraldDeployment.WRITER_THREADS + ")");
            long growth = server.heapUsedAfterGc() - heapBefore;
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
        String connections = "herald_connections{mp_scope=\"application\",transport=\"sse\"}";
        List<StalledClient> stalled = new ArrayList<>();
        try {
            int threadsBefore = server.threadCount();
            java.util.Map<String, Integer> kindsBefore = server.threadKinds();
            for (int i = 0; i < 200; i++) {
                stalled.add(StalledClient.sse(server, "topic=" + topic));
            }
            int peak = 0;
            // ~1.3 MB per client: far more than its socket buffers take, so every one of them stalls
            for (int i = 0; i < 40; i++) {
                publisher.publish(topic, "{\"n\":" + i + ",\"pad\":\"" + PAD_32K + "\"}");
                peak = Math.max(peak, server.threadCount());
            }
            int growth = peak - threadsBefore;
            java.util.Map<String, Integer> kindsAfter = server.threadKinds();
            assertTrue(growth <= THREAD_BOUND, "threads grew by " + growth + " with 200 stalled clients (send pool "
                    + SEND_THREADS + ", broadcaster tasks " + HeraldDeployment.WRITER_THREADS + "): before " + kindsBefore
                    + ", after " + kindsAfter);
        } finally {
            stalled.forEach(StalledClient::close);
        }
        Poll.until(() -> publisher.metric(connections) == 0, () -> "connection gauge " + connections + " back to 0");
    }
}
