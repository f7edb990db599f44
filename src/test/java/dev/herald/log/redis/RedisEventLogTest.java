package dev.herald.log.redis;

import dev.herald.hub.Event;
import dev.herald.hub.EventLog;
import dev.herald.hub.HubException;
import dev.herald.hub.Position;
import dev.herald.it.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The Redis log against a real redis-server: two logs on one Redis stand for two nodes. */
class RedisEventLogTest {
    @RegisterExtension
    static final LogsOnRedis FIXTURE = new LogsOnRedis("target/redis-unit");
    private final RedisServer redis = FIXTURE.server();
    private final List<RedisEventLog> logs = FIXTURE.logs();

    /** A started log ("node") and what it delivers. */
    private record Node(RedisEventLog log, List<Event> delivered, java.util.concurrent.atomic.AtomicInteger losses) {
        List<String> ids() {
            return delivered.stream().map(Event::id).toList();
        }
    }

    private Node node(int ringMaxEvents) {
        RedisSettings settings = new RedisSettings(redis.uri(), null, Duration.ofMillis(500), 1_000,
                Duration.ofMinutes(5), ringMaxEvents, 1L << 20, "test", "node-" + logs.size(),
                RedisSettings.ReplicaWait.NONE, false, 1);
        RedisEventLog log = new RedisEventLog(settings);
        logs.add(log);
        List<Event> delivered = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger losses = new java.util.concurrent.atomic.AtomicInteger();
        log.deliverTo(new EventLog.Listener() {
            @Override
            public void deliver(Event event) {
                delivered.add(event);
            }

            @Override
            public void historyLost() {
                // before the first event of the new epoch
                losses.incrementAndGet();
                assertEquals(1, delivered.size());
            }
        });
        await(log::up, "the log reaches Redis");
        return new Node(log, delivered, losses);
    }

    private static Position append(EventLog log, String topic, String body, String key) {
        return log.append(new EventLog.Append(topic, body, null, key, key == null ? null : sha256(body), null))
                .toCompletableFuture().join();
    }

    private static HubException refusal(EventLog log, String topic, String body, String key) {
        CompletionException e = assertThrows(CompletionException.class, () -> append(log, topic, body, key));
        return assertInstanceOf(HubException.class, e.getCause());
    }

    @Test
    void anEventAppendedOnOneNodeReachesBothInOrderWithTheIdsTheAppendsReturned() {
        Node a = node(100);
        Node b = node(100);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(append((i % 2 == 0 ? a : b).log, i % 3 == 0 ? "x" : "y", "{\"n\":" + i + "}", null).id());
        }
        await(() -> a.delivered.size() == 20 && b.delivered.size() == 20, "both nodes read all 20");
        assertEquals(ids, a.ids());
        assertEquals(ids, b.ids());
        for (int i = 1; i < 20; i++) {
            assertTrue(a.delivered.get(i).sequence() > a.delivered.get(i - 1).sequence(), "sequences increase");
        }
        assertEquals("{\"n\":7}", b.delivered.get(7).data());
        assertTrue(ids.get(0).matches("[0-9a-z]{8}-[0-9a-z]+-[0-9a-z]+"), ids.get(0));
    }

    @Test
    void theSameIdempotencyKeyOnTwoNodesStoresOneEventAndAnotherBodyIsRefused() {
        Node a = node(100);
        Node b = node(100);
        Position first = append(a.log, "orders", "{\"n\":1}", "k-1");
        Position retry = append(b.log, "orders", "{\"n\":1}", "k-1");
        assertEquals(first.id(), retry.id());
        assertEquals(HubException.Reason.IDEMPOTENCY_KEY_REUSED, refusal(b.log, "orders", "{\"n\":2}", "k-1").reason());
        assertNotEquals(first.id(), append(b.log, "other", "{\"n\":1}", "k-1").id(), "keys are scoped to the topic");
        assertEquals("3", redis.call("XLEN", "test:{h0}:stream"), "two events after the stream's start entry");
    }

    @Test
    void resumesFromTheRingAskRedisNothingAndOlderOnesReadTheStream() {
        Node a = node(5);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(append(a.log, i % 2 == 0 ? "even" : "odd", "{}", null).id());
        }
        await(() -> a.delivered.size() == 12, "the node read all 12");
        long ranges = redis.commandCalls("xrange") + redis.commandCalls("xinfo|stream");
        EventLog.Replay recent = a.log.readAfter(a.log.position(ids.get(8)), new String[] {"even", "odd"});
        assertNull(recent.reset());
        assertEquals(ids.subList(9, 12), recent.events().stream().map(Event::id).toList());
        assertEquals(ranges, redis.commandCalls("xrange") + redis.commandCalls("xinfo|stream"), "served by the ring");

        EventLog.Replay older = a.log.readAfter(a.log.position(ids.get(1)), new String[] {"even"});
        assertNull(older.reset(), "nothing was trimmed: exact");
        assertEquals(List.of(ids.get(2), ids.get(4), ids.get(6), ids.get(8), ids.get(10)),
                older.events().stream().map(Event::id).toList());
        assertTrue(older.events().get(1).sequence() < a.delivered.get(0).sequence(),
                "an event read from Redis carries a sequence below every delivered one");
        assertEquals(a.delivered.get(10).sequence(), older.events().get(4).sequence(),
                "one from the ring, the sequence it was delivered with");
        assertTrue(redis.commandCalls("xrange") > 0);
    }

    @Test
    void trimmedHistoryAnotherEpochAndAFutureIdGiveAResetForTheTopics() {
        Node a = node(2);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(append(a.log, "t", "{}", null).id());
        }
        await(() -> a.delivered.size() == 6, "read all");
        redis.call("XTRIM", "test:{h0}:stream", "MAXLEN", "3");
        EventLog.Replay trimmed = a.log.readAfter(a.log.position(ids.get(0)), new String[] {"t", "u"});
        assertEquals(List.of("t", "u"), trimmed.reset().topics());
        assertEquals(ids.subList(3, 6), trimmed.events().stream().map(Event::id).toList());
        assertEquals(ids.get(3), trimmed.reset().oldest());

        String otherEpoch = "zzzzzzzz" + ids.get(2).substring(8);
        assertEquals(List.of("t"), a.log.readAfter(a.log.position(otherEpoch), new String[] {"t"}).reset().topics());
        String future = ids.get(5).substring(0, 9) + Long.toString(System.currentTimeMillis() + 3_600_000, 36) + "-0";
        assertEquals(List.of("t"), a.log.readAfter(a.log.position(future), new String[] {"t"}).reset().topics());
        assertEquals(List.of("t"), a.log.readAfter(a.log.position("garbage"), new String[] {"t"}).reset().topics());
    }

    @Test
    void anEntryOfAnUnknownFormatIsRefusedNotMisread() {
        Node a = node(100);
        String before = append(a.log, "t", "{\"n\":1}", null).id();
        String epoch = before.substring(0, 8);
        redis.call("XADD", "test:{h0}:stream", "*", "v", "2", "e", epoch, "t", "t", "payload", "new layout");
        String after = append(a.log, "t", "{\"n\":2}", null).id();
        await(() -> a.delivered.size() == 2, "the two known entries");
        assertEquals(List.of(before, after), a.ids());
    }

    @Test
    void aDeletedStreamIsANewEpochAndOldIdsReset() {
        Node a = node(100);
        String old = append(a.log, "t", "{}", null).id();
        await(() -> a.delivered.size() == 1, "read");
        redis.call("DEL", "test:{h0}:stream");
        String fresh = append(a.log, "t", "{}", null).id();
        assertNotEquals(old.substring(0, 8), fresh.substring(0, 8), "a new epoch");
        await(() -> a.delivered.size() == 2, "the new stream's entry is read");
        assertEquals(fresh, a.delivered.get(1).id());
        assertEquals(1, a.losses.get(), "the hub was told history was lost");
        assertTrue(a.delivered.get(1).sequence() > a.delivered.get(0).sequence());
        EventLog.Replay replay = a.log.readAfter(a.log.position(old), new String[] {"t"});
        assertEquals(List.of("t"), replay.reset().topics());
        assertEquals(List.of(fresh), replay.events().stream().map(Event::id).toList());
    }

    @Test
    void redisDownFailsPublishesWithinTheTimeoutAndDeliveryContinuesWhenItIsBack() {
        Node a = node(100);
        String first = append(a.log, "t", "{\"n\":1}", null).id();
        await(() -> a.delivered.size() == 1, "read");
        redis.stop();
        try {
            await(() -> !a.log.up(), "the log notices Redis is gone");
            long t0 = System.nanoTime();
            HubException refused = refusal(a.log, "t", "{\"n\":2}", null);
            assertEquals(HubException.Reason.BACKPLANE_UNAVAILABLE, refused.reason());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "refused within the timeout");
        } finally {
            redis.startAgain();
        }
        await(a.log::up, "back up");
        String third = append(a.log, "t", "{\"n\":3}", null).id();
        await(() -> a.delivered.size() == 2, "delivery continues");
        assertEquals(List.of(first, third), a.ids(), "the refused event was never stored");
        assertEquals(first.substring(0, 8), third.substring(0, 8), "AOF kept the stream: the same epoch");
        assertNull(a.log.readAfter(a.log.position(first), new String[] {"t"}).reset(), "gap-free");
    }

    @Test
    void aPausedRedisTimesTheAppendOutAndTheScriptRefusesItWhenRedisWakesUp() {
        Node a = node(100);
        String first = append(a.log, "t", "{\"n\":1}", null).id();
        await(() -> a.delivered.size() == 1, "read");
        redis.pause();
        try {
            assertEquals(HubException.Reason.BACKPLANE_UNAVAILABLE, refusal(a.log, "t", "{\"n\":2}", null).reason());
        } finally {
            redis.resume();
        }
        await(a.log::up, "back up");
        String third = append(a.log, "t", "{\"n\":3}", null).id();
        await(() -> a.delivered.size() >= 2, "delivery continues");
        assertEquals(List.of(first, third), a.ids(), "the timed-out append was not stored late");
    }

    @Test
    void theLeaseIsHeldByOneNodeAtATime() {
        Node a = node(100);
        Node b = node(100);
        assertTrue(a.log.holdsLease("demo", Duration.ofSeconds(5)));
        assertFalse(b.log.holdsLease("demo", Duration.ofSeconds(5)));
        assertTrue(a.log.holdsLease("demo", Duration.ofSeconds(5)), "renewed");
        a.log.close();
        redis.call("DEL", "test:{h0}:lease:demo");
        assertTrue(b.log.holdsLease("demo", Duration.ofSeconds(5)), "taken over once free");
    }

    @Test
    void closeStopsLettuceAndNettyThreads() {
        Node a = node(100);
        append(a.log, "t", "{}", null);
        a.log.close();
        await(() -> Thread.getAllStackTraces().keySet().stream().noneMatch(thread -> thread.isAlive()
                && (thread.getName().startsWith("lettuce") || thread.getName().startsWith("herald-redis"))),
                "no lettuce or herald-redis thread left");
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
    }

    private static byte[] sha256(String body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
