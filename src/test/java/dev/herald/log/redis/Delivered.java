package dev.herald.log.redis;

import dev.herald.hub.Event;
import dev.herald.hub.EventLog;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a log delivered to its node, for tests that start logs on a fresh stream (no history to lose). */
final class Delivered implements EventLog.Listener {
    final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void deliver(Event event) {
        events.add(event);
    }

    @Override
    public void historyLost() {
        // a fresh stream: nothing was lost
    }

    /** A started log delivering here, once it has reached Redis. */
    static RedisEventLog start(RedisSettings settings, Delivered delivered) {
        RedisEventLog log = new RedisEventLog(settings);
        log.deliverTo(delivered);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!log.up()) {
            assertTrue(System.nanoTime() < deadline, settings.nodeId() + " reaches Redis");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return log;
    }
}
