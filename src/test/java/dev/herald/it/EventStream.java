package dev.herald.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/** A subscribed test client (SSE or WebSocket); everything it receives is kept in order. */
public abstract class EventStream implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Received> received = new ArrayList<>();
    private boolean ended;

    protected void add(Received item) {
        lock.lock();
        try {
            received.add(item);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    protected void end() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public List<Received> all() {
        lock.lock();
        try {
            return List.copyOf(received);
        } finally {
            lock.unlock();
        }
    }

    public List<Received> events() {
        return all().stream().filter(Received::isEvent).toList();
    }

    public List<String> eventIds() {
        return events().stream().map(Received::id).toList();
    }

    public String lastEventId() {
        List<Received> events = events();
        return events.isEmpty() ? null : events.get(events.size() - 1).id();
    }

    public boolean ended() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the received list satisfies the condition; fails with what was received otherwise. */
    public List<Received> await(Predicate<List<Received>> condition, String what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        lock.lock();
        try {
            while (!condition.test(received)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || (ended && !condition.test(received))) {
                    if (left > 0) {
                        // the stream ended: nothing more will come
                        break;
                    }
                    break;
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
            if (!condition.test(received)) {
                throw new AssertionError("timed out waiting for " + what + "; received " + received.size() + ": "
                        + tail(received) + (ended ? " (stream ended)" : ""));
            }
            return List.copyOf(received);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            lock.unlock();
        }
    }

    public List<Received> awaitEvents(int count) {
        await(items -> items.stream().filter(Received::isEvent).count() >= count, count + " events");
        return events();
    }

    @Override
    public abstract void close();

    public void awaitEnd() {
        await(items -> ended, "the stream to end");
    }

    /** Waits at most {@code timeout} for the stream to end; whether it did. */
    public boolean awaitEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ended;
        } finally {
            lock.unlock();
        }
    }

    private static String tail(List<Received> items) {
        return items.subList(Math.max(0, items.size() - 5), items.size()).toString();
    }
}
