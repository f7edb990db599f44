package dev.herald.hub;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Polling with a deadline: the only way these tests wait for the hub's writer and ticker threads. */
final class Await {
    static final Duration DEFAULT = Duration.ofSeconds(5);

    private Await() {
    }

    static void until(BooleanSupplier condition, String what) {
        until(condition, DEFAULT, () -> what);
    }

    static void until(BooleanSupplier condition, Duration timeout, String what) {
        until(condition, timeout, () -> what);
    }

    static void until(BooleanSupplier condition, Duration timeout, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + timeout.toMillis() + " ms waiting for: " + what.get());
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /**
     * Asserts that a condition stays true for a short while: used only for negative checks ("no second
     * write starts"), never to wait for something to happen.
     */
    static void staysTrue(BooleanSupplier condition, Duration during, String what) {
        long end = System.nanoTime() + during.toNanos();
        while (System.nanoTime() - end < 0) {
            if (!condition.getAsBoolean()) {
                fail("no longer true: " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Waits until wall-clock time has moved strictly past the given millis (for age bounds). */
    static void wallClockPast(long millis) {
        until(() -> System.currentTimeMillis() > millis, "wall clock past " + millis);
    }
}
