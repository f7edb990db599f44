package dev.herald.it;

import dev.herald.log.redis.PartitionKeys;
import jakarta.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two Herald nodes (Payara Micro and WildFly) on a real three-master Redis Cluster with
 * herald.redis.partitions=4, as README "Running several nodes" describes: an SSE connection over eight topics
 * that span several partitions moves from one node to the other mid-stream and resumes with exactly the
 * remaining events, no reset; with one master stopped, publishes to its partitions' topics answer 503 and
 * {@code herald_backplane_up{partition}} says which, while the other topics are published and delivered; once
 * it is back, every topic is. Runs once (it starts both runtimes itself), in the Payara pass.
 */
@EnabledIfSystemProperty(named = "herald.it.runtime", matches = "payara")
class PartitionedClusterIT {
    private static final String[] TOPICS = {"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"};
    private static final String QUERY = "topic=" + String.join("&topic=", TOPICS);

    private static Map<String, String> properties(RedisCluster cluster, String nodeId) {
        Map<String, String> properties = RedisNodes.nodeProperties(cluster.seeds(), nodeId);
        properties.put("herald.redis.cluster", "true");
        properties.put("herald.redis.partitions", "4");
        return properties;
    }

    /** The n of each event's payload, per topic: what a connection over the topics must have seen. */
    private static Map<String, List<Integer>> sequences(List<Received> events) {
        return events.stream().collect(Collectors.groupingBy(Received::topic, java.util.TreeMap::new,
                Collectors.mapping(event -> Json.createReader(new StringReader(event.data())).readObject().getInt("n"),
                        Collectors.toList())));
    }

    @Test
    void aConnectionOverEightTopicsMovesBetweenNodesWithoutAGapAndAStoppedMasterStopsOnlyItsTopics() {
        try (RedisCluster cluster = RedisCluster.start(Path.of("target/redis-cluster-it"), 3);
             HeraldServer a = HeraldServer.builder("partitions-a").runtime("payara")
                     .properties(properties(cluster, "node-a")).start();
             HeraldServer b = HeraldServer.builder("partitions-b").runtime("wildfly")
                     .properties(properties(cluster, "node-b")).start()) {
            Publisher onA = new Publisher(a);
            Publisher onB = new Publisher(b);
            List<Integer> sent = new ArrayList<>();
            String lastSeen;
            try (SseStream first = SseStream.open(a, QUERY, null)) {
                for (int n = 0; n < 20; n++) {
                    (n % 2 == 0 ? onA : onB).publish(TOPICS[n % 8], "{\"n\":" + n + "}");
                    sent.add(n);
                }
                List<Received> seen = first.awaitEvents(20);
                lastSeen = seen.get(seen.size() - 1).id();
                assertTrue(first.all().stream().noneMatch(item -> item.kind().equals("reset")), "no reset on A");
            }
            // published while the client is away, on both nodes
            for (int n = 20; n < 30; n++) {
                (n % 2 == 0 ? onA : onB).publish(TOPICS[n % 8], "{\"n\":" + n + "}");
            }
            try (SseStream moved = SseStream.open(b, QUERY, lastSeen)) {
                for (int n = 30; n < 40; n++) {
                    (n % 2 == 0 ? onA : onB).publish(TOPICS[n % 8], "{\"n\":" + n + "}");
                }
                List<Received> rest = moved.awaitEvents(20);
                assertTrue(moved.all().stream().noneMatch(item -> item.kind().equals("reset")),
                        "resumed on B without a reset: " + moved.all());
                Map<String, List<Integer>> expected = new java.util.TreeMap<>();
                for (int n = 20; n < 40; n++) {
                    expected.computeIfAbsent(TOPICS[n % 8], topic -> new ArrayList<>()).add(n);
                }
                assertEquals(expected, sequences(rest), "exactly the remaining 20 events, each topic in order");
                Set<String> ids = new HashSet<>(moved.eventIds());
                assertEquals(20, ids.size(), "20 distinct ids");

                masterDownStopsOnlyItsPartitions(cluster, onA, moved);
            }
        }
    }

    private static void masterDownStopsOnlyItsPartitions(RedisCluster cluster, Publisher publisher, SseStream subscriber) {
        RedisServer first = cluster.masters().get(0);
        // not the first: masterOf asks it (each master holds one or two of the four partitions)
        RedisServer stopped = cluster.masters().stream().filter(master -> master != first).findFirst().orElseThrow();
        Set<Integer> down = new HashSet<>();
        for (int partition = 0; partition < 4; partition++) {
            if (cluster.masterOf(partitionStream(partition)) == stopped) {
                down.add(partition);
            }
        }
        assertTrue(!down.isEmpty(), "the stopped master holds a partition");
        int before = subscriber.events().size();
        stopped.stop();
        int delivered = 0;
        try {
            Poll.until(() -> down.stream().allMatch(p -> upMetric(publisher, p) == 0),
                    () -> "herald_backplane_up of partitions " + down + " is 0");
            for (int partition = 0; partition < 4; partition++) {
                assertEquals(down.contains(partition) ? 0.0 : 1.0, upMetric(publisher, partition), "partition " + partition);
            }
            for (String topic : TOPICS) {
                HttpResponse<String> answer = publisher.post(topic, "{\"n\":100}", Map.of("Authorization",
                        "Bearer " + HeraldServer.TOKEN, "Content-Type", "application/json"));
                boolean ofStopped = topicsOf(down).contains(topic);
                assertEquals(ofStopped ? 503 : 202, answer.statusCode(), topic + ": " + answer.body());
                delivered += ofStopped ? 0 : 1;
            }
            subscriber.awaitEvents(before + delivered);
        } finally {
            stopped.startAgain();
        }
        cluster.awaitOk();
        Poll.until(() -> down.stream().allMatch(p -> upMetric(publisher, p) == 1), () -> "all partitions up again");
        for (String topic : TOPICS) {
            publisher.publish(topic, "{\"n\":200}");
        }
        List<Received> all = subscriber.awaitEvents(before + delivered + TOPICS.length);
        assertTrue(subscriber.all().stream().noneMatch(item -> item.kind().equals("reset")), "no reset on B");
        assertEquals(Set.of(TOPICS), all.subList(before + delivered, all.size()).stream().map(Received::topic)
                .collect(Collectors.toSet()), "every topic delivered once the master is back");
    }

    private static double upMetric(Publisher publisher, int partition) {
        return publisher.metric("herald_backplane_up{mp_scope=\"application\",partition=\"" + partition + "\"}");
    }

    /** The stream key of a partition, as the log names it (PartitionTags' table, "herald" prefix). */
    private static String partitionStream(int partition) {
        return "herald:" + PartitionKeys.tag(partition) + ":stream";
    }

    private static Set<String> topicsOf(Set<Integer> partitions) {
        Set<String> topics = new HashSet<>();
        for (String topic : TOPICS) {
            if (partitions.contains(PartitionKeys.partitionOf(topic, 4))) {
                topics.add(topic);
            }
        }
        return topics;
    }
}
