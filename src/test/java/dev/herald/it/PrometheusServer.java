package dev.herald.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * A real Prometheus process (Debian's {@code prometheus} package, /usr/bin/prometheus) on a free loopback
 * port with its own temporary TSDB, for tests that check queries against real scraped data.
 */
final class PrometheusServer implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final Path dataDir;
    private final Path log;

    private PrometheusServer(Process process, int port, Path dataDir, Path log) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
    }

    /** Starts {@code prometheus} with the given config file and waits until it answers /-/ready. */
    static PrometheusServer start(Path config, Path log) {
        try {
            Path dataDir = Files.createTempDirectory("herald-prometheus-");
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            List<String> command = List.of(binary("prometheus"), "--config.file=" + config,
                    "--storage.tsdb.path=" + dataDir, "--web.listen-address=127.0.0.1:" + port,
                    "--storage.tsdb.retention.time=1h", "--log.level=warn");
            Files.createDirectories(log.getParent());
            Process process;
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot run prometheus: install Debian's prometheus package "
                        + "(apt-get install -y prometheus, see .ci/run)", e);
            }
            PrometheusServer server = new PrometheusServer(process, port, dataDir, log);
            server.awaitReady();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tool from Debian's prometheus package, or the path given by -D{name}=... */
    static String binary(String name) {
        return System.getProperty(name, "/usr/bin/" + name);
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    Path log() {
        return log;
    }

    /** GET on the HTTP API; the JSON answer (also for 4xx/5xx answers, which carry status "error"). */
    JsonObject get(String pathAndQuery) {
        HttpResponse<String> response = Http.send(Http.request(uri(pathAndQuery))
                .timeout(Duration.ofSeconds(30)).build());
        if (!response.body().startsWith("{")) {
            throw new AssertionError("Prometheus answered " + response.statusCode() + ": " + response.body());
        }
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    /** An instant query at the current time (/api/v1/query); the whole JSON answer. */
    JsonObject query(String expr) {
        return get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited (" + process.exitValue() + "): " + readLog());
            }
            try {
                HttpResponse<String> ready = Http.send(Http.request(uri("/-/ready")).build());
                if (ready.statusCode() == 200) {
                    return;
                }
                last = ready.statusCode() + " " + ready.body();
            } catch (UncheckedIOException e) {
                last = e.getCause().toString();
            }
            try {
                // polling a port that is not open yet: there is nothing to wait on
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException("prometheus not ready within " + READY_TIMEOUT + " (" + last + "): " + readLog());
    }

    String readLog() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops Prometheus (SIGTERM, then SIGKILL) and deletes its TSDB; safe to call twice. */
    @Override
    public void close() {
        Processes.stop(process);
        if (Files.exists(dataDir)) {
            try (var paths = Files.walk(dataDir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                // a temp dir left behind is harmless
            }
        }
    }
}
