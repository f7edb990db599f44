package dev.herald.it;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Polls server state that offers nothing to wait on (HTTP answers, metrics) until it holds or time is up. */
final class Poll {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicBoolean DUMPED = new AtomicBoolean();

    private Poll() {
    }

    /** Holds for the whole window (a connection that must survive a while): checked every 50 ms. */
    static void staysTrue(BooleanSupplier condition, Duration window, String what) {
        long end = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < end) {
            if (!condition.getAsBoolean()) {
                fail("no longer true: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static void until(BooleanSupplier condition, Supplier<String> what) {
        until(condition, TIMEOUT, what);
    }

    /** For a wait whose length depends on how fast this machine moves data (a stall that must build up first). */
    static void until(BooleanSupplier condition, Duration timeout, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                String failure = "timed out after " + timeout + " waiting for " + what.get();
                if (DUMPED.compareAndSet(false, true)) {
                    // as Http does for a request: the first wait in a run that never came true leaves the
                    // servers' threads where .ci/run prints them
                    ThreadDumps.write("poll-timeout", failure, Thread.currentThread());
                }
                fail(failure);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
