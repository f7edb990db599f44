package dev.herald.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * herald.redis.wait-replicas over the wire (README "Running several nodes"): a node on a real Redis master with
 * one real replica. While the replica answers, publishes are 202; frozen (SIGSTOP), a publish answers
 * {@code 503 replication-timeout} + Retry-After and is counted — the event IS stored, so subscribers get it —
 * and the retry with the same Idempotency-Key once the replica is back answers 202 with the same id, stored once.
 */
@EnabledIfSystemProperty(named = "herald.it.runtime", matches = "payara")
class ReplicaWaitIT {
    private static final String REJECTED = "herald_requests_rejected_total{endpoint=\"publish\",mp_scope=\"application\","
            + "reason=\"replication-timeout\"}";

    @Test
    void aPublishTheReplicaDidNotConfirmIs503AndItsRetryWithTheSameKeyIsTheSameEvent() {
        try (RedisServer master = RedisServer.start(Path.of("target/redis-wait-it-master"), true);
             RedisServer replica = RedisServer.startReplicaOf(Path.of("target/redis-wait-it-replica"), master);
             HeraldServer node = HeraldServer.builder("replica-wait").runtime("payara")
                     .properties(RedisNodes.nodeProperties(master, "node-wait"))
                     .property("herald.redis.wait-replicas", "1").property("herald.redis.wait-timeout", "300ms")
                     .start();
             SseStream subscriber = SseStream.open(node, "topic=orders", null)) {
            Publisher publisher = new Publisher(node);
            String first = publisher.publish("orders", "{\"n\":1}");
            subscriber.awaitEvents(1);
            double rejectedBefore = publisher.metric(REJECTED);
            Map<String, String> keyed = Map.of("Authorization", "Bearer " + HeraldServer.TOKEN,
                    "Content-Type", "application/json", "Idempotency-Key", "order-2");

            replica.pause();
            HttpResponse<String> refused;
            try {
                refused = publisher.post("orders", "{\"n\":2}", keyed);
            } finally {
                replica.resume();
            }
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("5", refused.headers().firstValue("Retry-After").orElse(null), "Retry-After");
            JsonObject reason = Json.createReader(new StringReader(refused.body())).readObject();
            assertEquals("replication-timeout", reason.getString("error"), refused.body());
            String storedAs = reason.getString("message").replaceFirst("^stored as (\\S+),.*$", "$1");
            Poll.until(() -> publisher.metric(REJECTED) == rejectedBefore + 1, () -> "the refusal counted");

            HttpResponse<String> retried = publisher.post("orders", "{\"n\":2}", keyed);
            assertEquals(202, retried.statusCode(), retried.body());
            String id = Json.createReader(new StringReader(retried.body())).readObject().getString("id");
            assertEquals(storedAs, id, "the retry answers the stored event's id");
            String last = publisher.publish("orders", "{\"n\":3}");
            List<String> ids = subscriber.awaitEvents(3).stream().map(Received::id).toList();
            assertEquals(List.of(first, id, last), ids, "the event was delivered once, when it was stored");
            assertEquals("4", master.call("XLEN", "herald:{h0}:stream"), "stored once (after the stream's start entry)");
        }
    }
}
