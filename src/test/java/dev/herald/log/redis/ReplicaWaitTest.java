package dev.herald.log.redis;

import dev.herald.hub.EventLog;
import dev.herald.hub.HubException;
import dev.herald.hub.Position;
import dev.herald.it.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * herald.redis.wait-replicas against a real master and its real replica ({@code --replicaof}): an append
 * returns once the replica has it; with the replica frozen (SIGSTOP) the append is stored on the master but
 * answered REPLICATION_TIMEOUT within the wait timeout, and a retry with the same Idempotency-Key after the
 * replica is back returns the stored event's id without storing it twice.
 */
class ReplicaWaitTest {
    private static final Duration WAIT_TIMEOUT = Duration.ofMillis(300);
    private static RedisServer master;
    private static RedisServer replica;
    private RedisEventLog log;

    @BeforeAll
    static void startRedis() {
        master = RedisServer.start(Path.of("target/redis-wait-master"), true);
        replica = RedisServer.startReplicaOf(Path.of("target/redis-wait-replica"), master);
    }

    @AfterAll
    static void stopRedis() {
        replica.close();
        master.close();
    }

    @BeforeEach
    void emptyRedis() {
        master.call("FLUSHALL");
    }

    @AfterEach
    void closeLog() {
        if (log != null) {
            log.close();
        }
    }

    private RedisEventLog log(int replicas) {
        RedisSettings settings = new RedisSettings(master.uri(), null, Duration.ofSeconds(1), 1_000,
                Duration.ofMinutes(5), 100, 1L << 20, "wait", "node-wait",
                new RedisSettings.ReplicaWait(replicas, WAIT_TIMEOUT), false, 1);
        RedisEventLog started = Delivered.start(settings, new Delivered());
        log = started;
        return started;
    }

    private static Position append(EventLog log, String body, String key) {
        return log.append(new EventLog.Append("orders", body, null, key, sha256(body), null))
                .toCompletableFuture().join();
    }

    @Test
    void anAppendWaitsForTheReplicaAndAFrozenReplicaIsAnsweredAsStoredButNotReplicated() {
        RedisEventLog wait = log(1);
        Position first = append(wait, "{\"n\":1}", "k-1");
        // answered only once the replica had it: it is there without waiting
        assertEquals(master.call("XLEN", "wait:{h0}:stream"), replica.call("XLEN", "wait:{h0}:stream"));

        replica.pause();
        String storedAs;
        try {
            long started = System.nanoTime();
            CompletionException failure = assertThrows(CompletionException.class, () -> append(wait, "{\"n\":2}", "k-2"));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            HubException refused = assertInstanceOf(HubException.class, failure.getCause());
            assertEquals(HubException.Reason.REPLICATION_TIMEOUT, refused.reason());
            assertTrue(refused.getMessage().contains("same Idempotency-Key"), refused.getMessage());
            assertTrue(millis >= WAIT_TIMEOUT.toMillis() - 20 && millis < 1_000, "answered after the wait timeout: " + millis);
            assertEquals("3", master.call("XLEN", "wait:{h0}:stream"), "the event is stored on the master (after the"
                    + " first and the stream's start entry)");
            storedAs = refused.getMessage().replaceFirst("^stored as (\\S+),.*$", "$1");
        } finally {
            replica.resume();
        }
        Position retried = append(wait, "{\"n\":2}", "k-2");
        assertEquals("3", master.call("XLEN", "wait:{h0}:stream"), "the retry stored nothing more");
        assertEquals("3", replica.call("XLEN", "wait:{h0}:stream"), "and returned once the replica had it");
        assertEquals(storedAs, retried.id(), "the retry answers the id the timeout named");
        assertTrue(!retried.id().equals(first.id()), retried.id());
    }

    @Test
    void moreReplicasThanThereAreIsATimeoutEveryTime() {
        RedisEventLog wait = log(2);
        CompletionException failure = assertThrows(CompletionException.class, () -> append(wait, "{\"n\":3}", null));
        HubException refused = assertInstanceOf(HubException.class, failure.getCause());
        assertEquals(HubException.Reason.REPLICATION_TIMEOUT, refused.reason());
        assertTrue(refused.getMessage().contains("1 of 2 replicas"), refused.getMessage());
    }

    private static byte[] sha256(String body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
