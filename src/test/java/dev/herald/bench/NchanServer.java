package dev.herald.bench;

import dev.herald.it.Http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nginx with the nchan module (Debian's {@code nginx} and {@code libnginx-mod-nchan}), the native peer the
 * load generator measures Herald against: bench/nchan/nginx.conf with its placeholders filled in, started as
 * the current user on a free loopback port with everything (config, pid, logs, temp dirs) in one work
 * directory. Endpoints: {@code POST /pub/<topic>}, SSE {@code GET /sub/<topic>}, WebSocket {@code /ws/<topic>}.
 *
 * <pre>
 * try (NchanServer nchan = NchanServer.start(Path.of("target/nchan/run-1"), 2)) {
 *     ... nchan.publishUri("t"), nchan.sseUri("t"), nchan.wsUri("t"), nchan.pids() ...
 * }
 * </pre>
 * System properties: nginx (binary, /usr/sbin/nginx), nchan.conf (template, bench/nchan/nginx.conf, relative
 * to the working directory, which is the project directory under Maven).
 */
public final class NchanServer implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern LOAD_MODULE = Pattern.compile("(?m)^\\s*load_module\\s+([^;\\s]+)\\s*;");

    private final Process process;
    private final int port;
    private final int workerProcesses;
    private final Path workDir;
    private final Path log;

    private NchanServer(Process process, int port, int workerProcesses, Path workDir, Path log) {
        this.process = process;
        this.port = port;
        this.workerProcesses = workerProcesses;
        this.workDir = workDir;
        this.log = log;
    }

    /** The nginx binary: -Dnginx=... or Debian's. */
    public static Path nginx() {
        return Path.of(System.getProperty("nginx", "/usr/sbin/nginx"));
    }

    /** The config template: -Dnchan.conf=... or bench/nchan/nginx.conf (relative to the project directory). */
    public static Path configTemplate() {
        return Path.of(System.getProperty("nchan.conf", "bench/nchan/nginx.conf"));
    }

    /** Whether nginx, the nchan module the template loads, and the template itself are there. */
    public static boolean available() {
        return unavailableReason() == null;
    }

    /** Why {@link #available()} is false (a sentence naming what to install), or null when it is true. */
    public static String unavailableReason() {
        Path template = configTemplate();
        if (!Files.isReadable(template)) {
            return "nchan config template " + template.toAbsolutePath() + " not found (run from the project "
                    + "directory or set -Dnchan.conf=...)";
        }
        if (!Files.isExecutable(nginx())) {
            return "nginx not found at " + nginx() + ": apt-get install -y nginx libnginx-mod-nchan (see .ci/run)";
        }
        Path module;
        try {
            module = module(Files.readString(template));
        } catch (IOException e) {
            return "cannot read " + template + ": " + e;
        }
        if (module != null && !Files.isReadable(module)) {
            return "nchan module not found at " + module + ": apt-get install -y libnginx-mod-nchan (see .ci/run)";
        }
        return null;
    }

    private static Path module(String config) {
        Matcher load = LOAD_MODULE.matcher(config);
        return load.find() ? Path.of(load.group(1)) : null;
    }

    /** {@link #start(Path, int)} with one worker per core (nginx's usual setting). */
    public static NchanServer start(Path workDir) {
        return start(workDir, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Writes workDir/nginx.conf from the template, starts nginx in the foreground with workDir as its prefix
     * and waits until it answers and all its workers are up. Output goes to workDir/nginx.log, nginx's
     * error_log to workDir/error.log.
     */
    public static NchanServer start(Path workDir, int workerProcesses) {
        if (workerProcesses < 1) {
            throw new IllegalArgumentException("workerProcesses: at least 1, not " + workerProcesses);
        }
        String missing = unavailableReason();
        if (missing != null) {
            throw new IllegalStateException(missing);
        }
        try {
            Path dir = Files.createDirectories(workDir).toAbsolutePath();
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            Path config = dir.resolve("nginx.conf");
            Files.writeString(config, Files.readString(configTemplate())
                    .replace("__PORT__", Integer.toString(port))
                    .replace("__WORKERS__", Integer.toString(workerProcesses))
                    .replace("__NOFILE__", Long.toString(openFileLimit())));
            Files.deleteIfExists(dir.resolve("nginx.pid"));
            // as root, nginx would run its workers as "nobody", which cannot enter a private work directory
            String globals = "daemon off;" + ("root".equals(System.getProperty("user.name")) ? " user root;" : "");
            List<String> command = List.of(nginx().toString(), "-p", dir + "/", "-c", config.toString(), "-g", globals);
            Path log = dir.resolve("nginx.log");
            Process process;
            try {
                process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot run " + nginx()
                        + ": apt-get install -y nginx libnginx-mod-nchan (see .ci/run)", e);
            }
            NchanServer server = new NchanServer(process, port, workerProcesses, dir, log);
            server.awaitReady();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This process's hard RLIMIT_NOFILE (nginx's workers may raise their soft limit up to it). */
    private static long openFileLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
                return fields[1].equals("unlimited") ? 1 << 20 : Long.parseLong(fields[1]);
            }
        }
        return 1024;
    }

    public int port() {
        return port;
    }

    public int workerProcesses() {
        return workerProcesses;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** POST the message body here; 201 (subscribers present) or 202. */
    public URI publishUri(String topic) {
        return uri("/pub/" + topic);
    }

    /** EventSource: GET with Accept: text/event-stream; resume with Last-Event-ID or ?last_event_id=. */
    public URI sseUri(String topic) {
        return uri("/sub/" + topic);
    }

    /** WebSocket subscriber: one plain text frame per message. */
    public URI wsUri(String topic) {
        return URI.create("ws://127.0.0.1:" + port + "/ws/" + topic);
    }

    /** nchan_stub_status: totals for the whole server (all workers). */
    public URI statusUri() {
        return uri("/nchan_status");
    }

    /** nchan_stub_status parsed ("subscribers" -> "2000", "channels" -> "1", ...). */
    public Map<String, String> status() {
        HttpResponse<String> response = get(statusUri());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("nchan status answered " + response.statusCode() + ": " + response.body());
        }
        Map<String, String> status = new LinkedHashMap<>();
        for (String line : response.body().split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                status.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return status;
    }

    /** Master first, then its workers (nginx's direct children). */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        pids.add(process.pid());
        process.toHandle().children().map(ProcessHandle::pid).sorted().forEach(pids::add);
        return pids;
    }

    public Path workDir() {
        return workDir;
    }

    /** nginx's stdout and stderr. */
    public Path log() {
        return log;
    }

    /** nginx's error_log. */
    public Path errorLog() {
        return workDir.resolve("error.log");
    }

    public String readLogs() {
        return read(log) + read(errorLog());
    }

    private static String read(Path path) {
        try {
            return Files.exists(path) ? Files.readString(path) : "";
        } catch (IOException e) {
            return "(cannot read " + path + ": " + e + ")";
        }
    }

    private static HttpResponse<String> get(URI uri) {
        return Http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build());
    }

    /** Until the status location answers 200 and the master has all its workers. */
    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited (" + process.exitValue() + "): " + readLogs());
            }
            try {
                HttpResponse<String> status = get(statusUri());
                int workers = pids().size() - 1;
                if (status.statusCode() == 200 && workers == workerProcesses) {
                    return;
                }
                last = status.statusCode() + ", " + workers + " of " + workerProcesses + " workers";
            } catch (UncheckedIOException e) {
                last = e.getCause().toString();
            }
            try {
                // polling a port that is not open yet: there is nothing to wait on
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException("nginx not ready within " + READY_TIMEOUT + " (" + last + "): " + readLogs());
    }

    /**
     * Stops nginx: SIGTERM to the master (fast shutdown: it stops its workers and exits), then SIGKILL to
     * the master and to any worker left behind. Safe to call twice.
     */
    @Override
    public void close() {
        List<ProcessHandle> workers = process.toHandle().children().toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            for (ProcessHandle worker : workers) {
                if (worker.isAlive()) {
                    worker.destroyForcibly();
                    worker.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            workers.forEach(ProcessHandle::destroyForcibly);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("nginx worker did not exit", e);
        }
    }
}
