package dev.herald.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Evidence for a test that waited too long: the threads of this JVM and of every Java process it started
 * (the servers), written to {@code target/hang-dumps/<name>.txt} with a short {@code <name>.summary.txt}
 * (the waiting test thread, a deadlock report or the server threads inside Herald's code) that
 * {@code .ci/run} prints when the build fails.
 */
final class ThreadDumps {
    private ThreadDumps() {
    }

    /** Writes the dumps; {@code waiting} is the thread whose stack heads the summary. */
    static void write(String name, String headline, Thread waiting) {
        List<String> summary = new ArrayList<>();
        summary.add(headline);
        StackTraceElement[] stack = waiting.getStackTrace();
        for (int i = 0; i < Math.min(stack.length, 40); i++) {
            summary.add("    at " + stack[i]);
        }
        StringBuilder full = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, frames) -> appendThread(full, thread, frames));
        ProcessHandle.current().descendants().filter(ThreadDumps::isJava).forEach(process -> {
            String dump = threadDump(process.pid());
            full.append("\n==== process ").append(process.pid()).append(' ')
                    .append(process.info().commandLine().orElse("?")).append('\n').append(dump);
            summary.add("server process " + process.pid() + ": " + heraldThreads(dump));
        });
        String file = name.replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            Path directory = Files.createDirectories(Path.of("target", "hang-dumps"));
            Files.writeString(directory.resolve(file + ".summary.txt"), String.join("\n", summary) + "\n");
            Files.writeString(directory.resolve(file + ".txt"), String.join("\n", summary) + "\n\n" + full);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.err.println(String.join("\n", summary));
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
}
