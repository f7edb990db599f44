package dev.herald.it;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Turns a hung test class into a failure with evidence instead of a build that runs into CI's hard limit.
 * Registered for every test class (META-INF/services, autodetection in junit-platform.properties), so it
 * also covers Arquillian's deployment, which runs in a callback that JUnit's own timeouts do not cover.
 * When a class runs longer than {@code herald.test.class-limit} (default 6 minutes; the slowest class takes
 * about 1.5), it writes the threads of this JVM and of every Java process it started (the servers) to
 * {@code target/hang-dumps/}, interrupts the test, and if the class is still not done two minutes later
 * stops the test JVM, so the run ends red at once. {@code .ci/run} prints the summaries ({@link ThreadDumps}).
 */
public final class HangWatchdog implements BeforeAllCallback, AfterAllCallback {
    private static final Duration LIMIT = Duration.parse(System.getProperty("herald.test.class-limit", "PT6M"));
    private static final Duration GRACE_AFTER_INTERRUPT = Duration.ofMinutes(2);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(HangWatchdog.class);
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "hang-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public void beforeAll(ExtensionContext context) {
        String name = context.getRequiredTestClass().getName();
        Thread runner = Thread.currentThread();
        ScheduledFuture<?> watch = TIMER.schedule(() -> hung(name, runner), LIMIT.toSeconds(), TimeUnit.SECONDS);
        context.getStore(NAMESPACE).put("watch", watch);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ScheduledFuture<?> watch = context.getStore(NAMESPACE).remove("watch", ScheduledFuture.class);
        if (watch != null) {
            watch.cancel(false);
        }
    }

    private static void hung(String testClass, Thread runner) {
        ThreadDumps.write(testClass, "HUNG: " + testClass + " ran longer than " + LIMIT + "; the test thread:", runner);
        runner.interrupt();
        TIMER.schedule(() -> {
            System.err.println("HUNG: " + testClass + " did not end after the interrupt; stopping the test JVM");
            Runtime.getRuntime().halt(86);
        }, GRACE_AFTER_INTERRUPT.toSeconds(), TimeUnit.SECONDS);
    }
}
