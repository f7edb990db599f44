package dev.herald.it;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A task repeated on its own thread about every {@code periodMillis} until closed (the fuzz run's publishers);
 * its failures go to the run (the first few of them).
 */
final class Background implements AutoCloseable {
    private static final int MAX_REPORTED = 5;

    private final Thread thread;
    private volatile boolean stopped;

    private Background(String name, Callable<?> task, long periodMillis, FuzzRun run) {
        AtomicInteger failures = new AtomicInteger();
        thread = new Thread(() -> {
            while (!stopped) {
                try {
                    task.call();
                } catch (Exception | AssertionError e) {
                    if (failures.incrementAndGet() <= MAX_REPORTED) {
                        run.fail(name + ": " + e);
                    }
                }
                try {
                    // pacing the publisher, not waiting for an outcome
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, name);
        thread.setDaemon(true);
    }

    static Background start(String name, Callable<?> task, long periodMillis, FuzzRun run) {
        Background background = new Background(name, task, periodMillis, run);
        background.thread.start();
        return background;
    }

    /** Stops after the current round and waits for it. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(60_000);
        if (thread.isAlive()) {
            thread.interrupt();
            thread.join(10_000);
        }
    }
}
