package dev.herald.log.redis;

import dev.herald.hub.Event;
import dev.herald.hub.EventLog;
import dev.herald.hub.HubException;
import dev.herald.it.RedisCluster;
import dev.herald.it.RedisServer;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Redis log on a real three-master Redis Cluster (herald.redis.cluster, seeds in the short form
 * {@code redis://a:1,b:2,c:3}): two logs ("nodes") share the stream on the master of its slot; when that master
 * stops, appends are 503 within the timeout; when it is back, both nodes continue from their cursors, no gap.
 */
class RedisClusterLogTest {
    private static RedisCluster cluster;
    private final List<RedisEventLog> logs = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start(Path.of("target/redis-cluster-unit"), 3);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @AfterEach
    void closeLogs() {
        logs.forEach(RedisEventLog::close);
    }

    private List<Event> node(String name) {
        return node(name, "cluster", 1);
    }

    private List<Event> node(String name, String keyPrefix, int partitions) {
        RedisSettings settings = new RedisSettings(cluster.seeds(), null, Duration.ofMillis(500), 1_000,
                Duration.ofMinutes(5), 100, 1L << 20, keyPrefix, name, RedisSettings.ReplicaWait.NONE, true, partitions);
        Delivered delivered = new Delivered();
        RedisEventLog log = Delivered.start(settings, delivered);
        logs.add(log);
        await(() -> IntStream.range(0, partitions).allMatch(log::up), name + ": every partition is up");
        return delivered.events;
    }

    private static String append(EventLog log, String body) {
        return append(log, "prices", body);
    }

    private static String append(EventLog log, String topic, String body) {
        return log.append(new EventLog.Append(topic, body, null, null, null, null)).toCompletableFuture().join().id();
    }

    @Test
    void fourPartitionsSpreadOverTheThreeMastersAndAStoppedMasterStopsOnlyItsPartitionsTopics() {
        // the slots Redis computes are the ones Lettuce routes by, and four partitions sit 2/1/1 on three masters
        Map<RedisServer, List<Integer>> byMaster = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            String key = Partition.of("parts", i).streamKey();
            assertEquals(Integer.toString(SlotHash.getSlot(key)), cluster.masters().get(0).call("CLUSTER", "KEYSLOT", key).trim());
            byMaster.computeIfAbsent(cluster.masterOf(key), master -> new ArrayList<>()).add(i);
        }
        assertEquals(List.of(1, 1, 2), byMaster.values().stream().map(List::size).sorted().toList(), byMaster.toString());
        List<Event> a = node("parts-a", "parts", 4);
        List<Event> b = node("parts-b", "parts", 4);
        String[] topics = {"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"};
        for (int n = 0; n < 8; n++) {
            append(logs.get(n % 2), topics[n], "{\"n\":" + n + "}");
        }
        await(() -> a.size() == 8 && b.size() == 8, "both nodes read the 8");
        String beforeOutage = a.get(7).id();

        // stop a master that is not the first (masterOf asks the first)
        RedisServer stopped = byMaster.keySet().stream().filter(master -> master != cluster.masters().get(0))
                .findFirst().orElseThrow();
        Set<Integer> down = Set.copyOf(byMaster.get(stopped));
        stopped.stop();
        int delivered = 8;
        try {
            await(() -> down.stream().noneMatch(logs.get(0)::up), "node A reports partitions " + down + " down");
            for (int n = 8; n < 16; n++) {
                String topic = topics[n % 8];
                int partition = PartitionTags.of(topic, 4);
                assertEquals(!down.contains(partition), logs.get(0).up(partition), "partition " + partition + " up");
                if (down.contains(partition)) {
                    CompletionException failure = assertThrows(CompletionException.class,
                            () -> append(logs.get(0), topic, "{}"));
                    assertEquals(HubException.Reason.BACKPLANE_UNAVAILABLE,
                            assertInstanceOf(HubException.class, failure.getCause()).reason());
                } else {
                    append(logs.get(0), topic, "{\"n\":" + n + "}");
                    delivered++;
                }
            }
            int flowing = delivered;
            await(() -> a.size() == flowing && b.size() == flowing, "the other partitions' topics still flow");
            assertTrue(logs.get(0).up(), "the node is up while some partitions are");
        } finally {
            stopped.startAgain();
        }
        cluster.awaitOk();
        await(() -> IntStream.range(0, 4).allMatch(p -> logs.get(0).up(p) && logs.get(1).up(p)), "all partitions back");
        for (int n = 16; n < 24; n++) {
            append(logs.get(n % 2), topics[n % 8], "{\"n\":" + n + "}");
        }
        int all = delivered + 8;
        await(() -> a.size() == all && b.size() == all, "every topic flows again: " + a.size() + ", " + b.size());
        // a cursor from before the outage still resumes exactly, on the other node
        EventLog.Replay replay = logs.get(1).readAfter(logs.get(1).position(beforeOutage), topics);
        assertNull(replay.reset(), "no reset: the master came back with its data");
        assertEquals(a.subList(8, all).stream().map(Event::data).sorted().toList(),
                replay.events().stream().map(Event::data).sorted().toList());
    }

    @Test
    void twoNodesShareTheStreamAndContinueWithoutAGapAfterItsMasterWasDown() {
        List<Event> a = node("node-a");
        List<Event> b = node("node-b");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(append(logs.get(i % 2), "{\"n\":" + i + "}"));
        }
        await(() -> a.size() == 10 && b.size() == 10, "both nodes read the 10 events");

        RedisServer master = cluster.masterOf("cluster:{h0}:stream");
        master.stop();
        try {
            long started = System.nanoTime();
            CompletionException failure = assertThrows(CompletionException.class, () -> append(logs.get(0), "{\"n\":-1}"));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertEquals(HubException.Reason.BACKPLANE_UNAVAILABLE,
                    assertInstanceOf(HubException.class, failure.getCause()).reason());
            assertTrue(millis < 2_000, "answered within the timeout and some: " + millis + " ms");
        } finally {
            master.startAgain();
        }
        cluster.awaitOk();
        await(() -> logs.stream().allMatch(RedisEventLog::up), "both nodes reconnected to the master");
        for (int i = 10; i < 20; i++) {
            ids.add(append(logs.get(i % 2), "{\"n\":" + i + "}"));
        }
        await(() -> a.size() == 20 && b.size() == 20, "both nodes read all 20: a " + a.size() + ", b " + b.size());
        assertEquals(ids, a.stream().map(Event::id).toList());
        assertEquals(ids, b.stream().map(Event::id).toList());
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
