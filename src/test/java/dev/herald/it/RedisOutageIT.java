package dev.herald.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis stops under two streaming nodes: publishes are refused (503, never delivered later), readiness and
 * herald_backplane_up go down, subscribers stay connected with heartbeats; when Redis is back, each node
 * continues from its cursor. With AOF the resume is gap-free; a Redis restarted empty is a new epoch: live
 * subscribers and clients resuming from before it get a reset.
 */
@EnabledIfSystemProperty(named = "herald.it.runtime", matches = "payara")
@ExtendWith(RedisNodes.Extension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisOutageIT {
    private static final Map<String, String> PUBLISH = Map.of("Authorization", "Bearer " + HeraldServer.TOKEN,
            "Content-Type", "application/json");

    private static RedisNodes nodes;
    private static String topic;
    private static String beforeOutage;
    private static String afterOutage;

    @BeforeAll
    static void nodes(RedisNodes shared) {
        nodes = shared;
        topic = ScaleOutIT.unique("outage");
    }

    @Test
    @Order(1)
    void whileRedisIsDownPublishesAre503AndSubscribersStayConnected() throws Exception {
        try (SseStream onPayara = ScaleOutIT.subscribed(nodes.payara, topic, null);
             WsStream onWildFly = WsStream.open(nodes.wildFly, "topic=" + topic)) {
            beforeOutage = new Publisher(nodes.payara).publish(topic, "{\"n\":1}");
            onPayara.awaitEvents(1);
            onWildFly.awaitEvents(1);

            // this outage's lines only: on a loaded machine an earlier class may have seen a command time out
            int logBefore = Files.readString(nodes.payara.log()).length();
            nodes.redis.stop();
            try {
                for (HeraldServer node : List.of(nodes.payara, nodes.wildFly)) {
                    Poll.until(() -> node.readiness().status() == 503, () -> "readiness DOWN on " + node.port());
                    assertTrue(node.readiness().body().contains("\"backplane\":\"down\""), node.readiness().body());
                    long t0 = System.nanoTime();
                    HttpResponse<String> refused = new Publisher(node).post(topic, "{\"n\":2}", PUBLISH);
                    long millis = (System.nanoTime() - t0) / 1_000_000;
                    assertEquals(503, refused.statusCode(), refused.body());
                    assertTrue(refused.body().contains("\"error\":\"backplane-unavailable\""), refused.body());
                    assertTrue(refused.headers().firstValue("Retry-After").isPresent(), "Retry-After");
                    assertTrue(millis < 2_000, "answered within herald.redis.timeout (1 s) and some: " + millis + " ms");
                }
                assertTrue(new Publisher(nodes.payara).metric("herald_backplane_up") == 0, "herald_backplane_up 0");
                int lines = onPayara.rawLines().size();
                int pings = onWildFly.pings();
                Poll.until(() -> onPayara.rawLines().subList(lines, onPayara.rawLines().size()).contains(": keepalive")
                                && onWildFly.pings() > pings,
                        () -> "heartbeats during the outage: " + onPayara.rawLines() + ", pings " + onWildFly.pings());
                assertFalse(onPayara.ended() || onWildFly.ended(), "subscribers stay connected");
            } finally {
                nodes.redis.startAgain();
            }
            for (HeraldServer node : List.of(nodes.payara, nodes.wildFly)) {
                Poll.until(() -> node.readiness().status() == 200, () -> "readiness UP again on " + node.port());
            }
            afterOutage = new Publisher(nodes.wildFly).publish(topic, "{\"n\":3}");
            assertEquals(List.of(beforeOutage, afterOutage),
                    onPayara.awaitEvents(2).stream().map(Received::id).toList(), "the refused events never came");
            assertEquals(List.of(beforeOutage, afterOutage),
                    onWildFly.awaitEvents(2).stream().map(Received::id).toList(), "the refused events never came");
            assertEquals(1, Files.readString(nodes.payara.log()).substring(logBefore)
                            .split("Redis backplane at .* is unavailable", -1).length - 1,
                    "one log line for the outage");
        }
    }

    @Test
    @Order(2)
    void withAppendOnlyFilesAClientResumingFromBeforeTheOutageGetsNoGapAndNoReset() {
        try (SseStream resumed = ScaleOutIT.subscribed(nodes.wildFly, topic, beforeOutage)) {
            assertEquals(List.of(afterOutage), resumed.awaitEvents(1).stream().map(Received::id).toList());
            assertTrue(resumed.all().stream().noneMatch(item -> item.kind().equals("reset")), "no reset");
        }
    }

    @Test
    @Order(3)
    void aRedisRestartedEmptyIsANewEpochAndAResumeFromTheOldOneIsAReset() {
        try (SseStream live = ScaleOutIT.subscribed(nodes.payara, topic, null)) {
            nodes.redis.stop();
            nodes.redis.startAgainEmpty();
            for (HeraldServer node : List.of(nodes.payara, nodes.wildFly)) {
                Poll.until(() -> node.readiness().status() == 200, () -> "readiness UP on " + node.port());
            }
            String fresh = new Publisher(nodes.payara).publish(topic, "{\"n\":4}");
            assertNotEquals(afterOutage.substring(0, afterOutage.indexOf('-')), fresh.substring(0, fresh.indexOf('-')),
                    "another epoch");
            List<Received> seen = live.await(all -> all.stream().anyMatch(Received::isEvent), "the new event");
            assertEquals("reset", seen.get(0).kind(), "a live subscriber is told history was lost: " + seen);
            assertEquals(List.of(fresh), live.eventIds(), "and continues in the new epoch");
            try (SseStream resumed = ScaleOutIT.subscribed(nodes.wildFly, topic, afterOutage)) {
                List<Received> items = resumed.await(all -> all.stream().anyMatch(Received::isEvent), "the new event");
                assertEquals("reset", items.get(0).kind(), "a reset first: " + items);
                assertTrue(items.get(0).data().contains("\"topics\":[\"" + topic + "\"]"), items.get(0).data());
                assertEquals(List.of(fresh), resumed.eventIds());
            }
        }
    }
}
