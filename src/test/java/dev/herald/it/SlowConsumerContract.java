package dev.herald.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that stops reading must not make the server's memory grow, must trigger its topic's policy
 * (counted), and must not slow down or starve a fast client on the same topic; for the transports the
 * class's static {@code transports()} names.
 */
interface SlowConsumerContract extends OnHerald {
    /** ~8 KB events: 1 200 of them are ~10 MB, far beyond the queue bound and the kernel's socket buffers. */
    String PAD = "x".repeat(8 * 1024);
    int EVENTS = 1200;
    /** Heap may grow by retained history (100 events of this topic, ~0.8 MB) and noise, not by the backlog. */
    long MAX_HEAP_GROWTH = 4L << 20;

    /** One series of a reason-labelled counter, spelled as /metrics prints it. */
    private static String series(String family, String reason, Transport transport) {
        return family + "{mp_scope=\"application\",reason=\"" + reason + "\",transport=\"" + transport.label() + "\"}";
    }

    private StalledClient stalled(Transport transport, String topic) {
        return transport == Transport.WS ? StalledClient.ws(server(), "topic=" + topic)
                : StalledClient.sse(server(), "topic=" + topic);
    }

    private static String event(int n, String key) {
        return "{\"n\":" + n + (key == null ? "" : ",\"key\":\"" + key + "\"") + ",\"pad\":\"" + PAD + "\"}";
    }

    /**
     * Publishes EVENTS events, letting the fast client catch up every few events: it must never be the one
     * whose queue overflows, however busy the machine is, while the stalled client falls ever further behind.
     */
    private static void publishKeepingPace(Publisher publisher, String topic, EventStream fast, List<String> ids) {
        for (int i = 0; i < EVENTS; i++) {
            ids.add(publisher.publish(topic, event(i, null)));
            if (i % (HeraldDeployment.QUEUE_MAX_EVENTS / 2) == 0) {
                fast.awaitEvents(i + 1);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    default void dropOldestKeepsMemoryFlatSignalsTheGapAndSparesTheFastClient(Transport transport) {
        HeraldServer server = server();
        Publisher publisher = new Publisher(server);
        String topic = "drop." + UUID.randomUUID().toString().substring(0, 8);
        String dropped = series("herald_events_dropped_total", "drop-oldest", transport);
        try (EventStream fast = transport.open(server, List.of(topic), null);
             StalledClient slow = stalled(transport, topic)) {
            double droppedBefore = publisher.metric(dropped);
            long heapBefore = server.heapUsedAfterGc();
            List<String> ids = new ArrayList<>();
            publishKeepingPace(publisher, topic, fast, ids);
            assertEquals(ids, fast.awaitEvents(EVENTS).stream().map(Received::id).toList(),
                    "the fast client gets every event, in order");
            long growth = server.heapUsedAfterGc() - heapBefore;
            assertTrue(growth < MAX_HEAP_GROWTH, "server heap grew by " + growth + " bytes with a ~"
                    + (EVENTS * PAD.length() >> 20) + " MB backlog for the stalled client");
            assertTrue(publisher.metric(dropped) - droppedBefore > 0, "drops are counted in " + dropped);

            // the stalled client reads again: the gap is announced in the stream, for this topic
            List<String> seen = slow.readUntil(message -> message.contains("dropped"), 60_000);
            String signal = seen.stream().filter(message -> message.contains("dropped")).findFirst().orElseThrow();
            assertTrue(signal.contains("\"topic\":\"" + topic + "\""), signal);
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    default void disconnectPolicyClosesTheStalledClientAndCountsIt(Transport transport) {
        HeraldServer server = server();
        Publisher publisher = new Publisher(server);
        String topic = "disconnect." + UUID.randomUUID().toString().substring(0, 8);
        String closed = series("herald_connections_closed_total", "slow-consumer", transport);
        try (EventStream fast = transport.open(server, List.of(topic), null);
             StalledClient slow = stalled(transport, topic)) {
            double closedBefore = publisher.metric(closed);
            List<String> ids = new ArrayList<>();
            publishKeepingPace(publisher, topic, fast, ids);
            assertEquals(ids, fast.awaitEvents(EVENTS).stream().map(Received::id).toList());
            assertTrue(publisher.metric(closed) - closedBefore >= 1, "slow-consumer close counted in " + closed);
            assertTrue(fast.all().stream().noneMatch(item -> item.kind().equals("dropped")),
                    "a disconnect topic never drops silently");
            // once it reads again, the stalled client finds that the server ended its stream; a WebSocket close
            // frame cannot always overtake the backlog of a client that stopped reading (README, limitations)
            List<String> seen = slow.readUntil(message -> message.equals(StalledClient.END), 60_000);
            seen.stream().filter(message -> message.startsWith("close:")).forEach(close ->
                    assertTrue(close.startsWith("close:1013"), "a slow-consumer close frame says 1013: " + close));
            fast.close();
            Poll.until(() -> publisher.connections(transport.label()) == 0,
                    () -> "herald_connections of " + transport.label() + " back to 0");
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    default void conflationDeliversTheNewestValueOfEveryKey(Transport transport) {
        HeraldServer server = server();
        Publisher publisher = new Publisher(server);
        String topic = "conflate." + UUID.randomUUID().toString().substring(0, 8);
        String conflated = series("herald_events_dropped_total", "conflated", transport);
        try (StalledClient slow = stalled(transport, topic)) {
            double before = publisher.metric(conflated);
            Map<String, Integer> newest = new HashMap<>();
            String lastId = null;
            for (int i = 0; i < EVENTS; i++) {
                String key = "k" + (i % 10);
                lastId = publisher.publish(topic, event(i, key));
                newest.put(key, i);
            }
            assertTrue(publisher.metric(conflated) - before > 0, "conflation counted in " + conflated);
            String finalId = lastId;
            List<String> seen = slow.readUntil(message -> message.contains(finalId), 60_000);
            Map<String, Integer> lastSeen = new HashMap<>();
            for (String message : seen) {
                int start = message.indexOf("{\"n\":");
                if (start < 0) {
                    continue;
                }
                JsonObject data = Json.createReader(new StringReader(
                        message.substring(start, message.indexOf('}', message.indexOf("\"pad\"")) + 1))).readObject();
                lastSeen.put(data.getString("key"), data.getInt("n"));
            }
            assertEquals(newest, lastSeen, "after conflation every key ends at its newest value");
        }
    }
}
