package dev.herald.it;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * stops the test JVM, so the run ends red at once. {@code .ci/run} prints the summaries.
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
        List<String> summary = new ArrayList<>();
        summary.add("HUNG: " + testClass + " ran longer than " + LIMIT + "; the test thread:");
        StackTraceElement[] stack = runner.getStackTrace();
        for (int i = 0; i < Math.min(stack.length, 40); i++) {
            summary.add("    at " + stack[i]);
        }
        StringBuilder full = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, frames) -> appendThread(full, thread, frames));
        ProcessHandle.current().descendants().filter(HangWatchdog::isJava).forEach(process -> {
            String dump = threadDump(process.pid());
            full.append("\n==== process ").append(process.pid()).append(' ')
                    .append(process.info().commandLine().orElse("?")).append('\n').append(dump);
            summary.add("server process " + process.pid() + ": " + heraldThreads(dump));
        });
        write(testClass, String.join("\n", summary) + "\n", full.toString());
        System.err.println(String.join("\n", summary));
        runner.interrupt();
        TIMER.schedule(() -> {
            System.err.println("HUNG: " + testClass + " did not end after the interrupt; stopping the test JVM");
            Runtime.getRuntime().halt(86);
        }, GRACE_AFTER_INTERRUPT.toSeconds(), TimeUnit.SECONDS);
    }

    private static void appendThread(StringBuilder out, Thread thread, StackTraceElement[] frames) {
        out.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
        for (StackTraceElement frame : frames) {
            out.append("    at ").append(frame).append('\n');
        }
    }

    private static boolean isJava(ProcessHandle process) {
        return process.info().command().map(command -> command.endsWith("java")).orElse(false);
    }

    private static String threadDump(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print")
                    .redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            process.waitFor(30, TimeUnit.SECONDS);
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "jcmd failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The deadlock report if any, else the threads that are inside Herald's code (the likely culprits). */
    private static String heraldThreads(String dump) {
        int deadlock = dump.indexOf("Found one Java-level deadlock");
        if (deadlock >= 0) {
            return dump.substring(deadlock, Math.min(dump.length(), deadlock + 6000));
        }
        StringBuilder out = new StringBuilder();
        for (String thread : dump.split("\n\n")) {
            if (thread.contains("dev.herald.") && out.length() < 12_000) {
                out.append('\n').append(thread.lines().limit(25).reduce((a, b) -> a + "\n" + b).orElse(""));
            }
        }
        return out.length() == 0 ? "(no thread in dev.herald code)" : out.toString();
    }

    private static void write(String testClass, String summary, String full) {
        try {
            Path directory = Files.createDirectories(Path.of("target", "hang-dumps"));
            Files.writeString(directory.resolve(testClass + ".summary.txt"), summary);
            Files.writeString(directory.resolve(testClass + ".txt"), summary + "\n" + full);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
