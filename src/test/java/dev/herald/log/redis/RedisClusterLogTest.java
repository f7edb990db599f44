package dev.herald.log.redis;

import dev.herald.hub.Event;
import dev.herald.hub.EventLog;
import dev.herald.hub.HubException;
import dev.herald.it.RedisCluster;
import dev.herald.it.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
        RedisSettings settings = new RedisSettings(cluster.seeds(), null, Duration.ofMillis(500), 1_000,
                Duration.ofMinutes(5), 100, 1L << 20, "cluster", name, RedisSettings.ReplicaWait.NONE, true, 1);
        Delivered delivered = new Delivered();
        logs.add(Delivered.start(settings, delivered));
        return delivered.events;
    }

    private static String append(EventLog log, String body) {
        return log.append(new EventLog.Append("prices", body, null, null, null, null)).toCompletableFuture().join().id();
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
