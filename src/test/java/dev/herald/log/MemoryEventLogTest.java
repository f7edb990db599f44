package dev.herald.log;

import dev.herald.hub.EventLog;
import dev.herald.hub.HubException;
import dev.herald.hub.HubSettings;
import dev.herald.hub.Position;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-memory log on its own: idempotency, positions, refusals. */
class MemoryEventLogTest {
    private final MemoryEventLog log = new MemoryEventLog(HubSettings.defaults(), 100, Duration.ofSeconds(1), "e1");
    private int delivered;

    MemoryEventLogTest() {
        log.deliverTo(event -> delivered++);
    }

    @AfterEach
    void close() {
        log.close();
    }

    private static byte[] sha256(String body) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
    }

    private Position append(String topic, String body, String key) throws Exception {
        return log.append(new EventLog.Append(topic, body, null, key, key == null ? null : sha256(body), null))
                .toCompletableFuture().join();
    }

    private HubException refusal(String topic, String body, String key) {
        CompletionException e = assertThrows(CompletionException.class, () -> append(topic, body, key));
        return assertInstanceOf(HubException.class, e.getCause());
    }

    @Test
    void theSameKeyAndBodyGiveTheFirstPositionAndAppendNothing() throws Exception {
        Position first = append("orders", "{\"n\":1}", "k-1");
        Position retry = append("orders", "{\"n\":1}", "k-1");
        assertEquals(first.id(), retry.id());
        assertEquals(1, delivered);
        assertEquals(1, log.retainedEvents());
        assertNotEquals(first.id(), append("other", "{\"n\":1}", "k-1").id(), "keys are scoped to the topic");
    }

    @Test
    void theSameKeyWithAnotherBodyIsRefusedAndAppendsNothing() throws Exception {
        Position first = append("orders", "{\"n\":1}", "k-1");
        HubException e = refusal("orders", "{\"n\":2}", "k-1");
        assertEquals(HubException.Reason.IDEMPOTENCY_KEY_REUSED, e.reason());
        assertEquals("idempotency-key-reused", e.reason().label());
        assertEquals(first.id(), log.lastId(), "no second event");
        assertEquals(1, delivered);
    }

    @Test
    void idsAreEpochDashSequenceAndUnusableTextGivesAPositionThatResets() throws Exception {
        assertEquals("e1-1", append("a", "{}", null).id());
        assertEquals("e1-2", append("b", "{}", null).id());
        EventLog.Replay replay = log.readAfter(log.position("not an id"), new String[] {"a"});
        assertEquals(java.util.List.of("a"), replay.reset().topics());
        assertEquals(1, replay.events().size(), "everything retained of the topic");
        assertTrue(log.readAfter(log.position("e1-1"), new String[] {"a", "b"}).reset() == null);
        assertEquals(java.util.List.of("a"), log.readAfter(log.position("other-1"), new String[] {"a"}).reset().topics());
    }

    @Test
    void aClosedLogRefusesAppendsAndIsDown() throws Exception {
        assertTrue(log.up());
        log.close();
        assertFalse(log.up());
        assertEquals(HubException.Reason.CLOSED, refusal("a", "{}", null).reason());
    }

    @Test
    void invalidTopicsAreRefusedByTheLogToo() {
        assertEquals(HubException.Reason.INVALID_TOPIC, refusal("herald.reset", "{}", null).reason());
        assertEquals(0, delivered);
    }
}
