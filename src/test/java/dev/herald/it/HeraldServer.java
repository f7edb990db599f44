package dev.herald.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Payara Micro process running target/herald.war on a free port, started the way the README starts
 * it. Tests talk to it over real sockets and inspect the process itself (heap via jcmd).
 */
public final class HeraldServer implements AutoCloseable {
    public static final String TOKEN = "it-token";

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;

    private HeraldServer(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts a server; {@code properties} become -D system properties (Herald reads them via MP Config). */
    public static HeraldServer start(String name, Map<String, String> properties) {
        try {
            int port = freePort();
            Path target = Path.of(System.getProperty("herald.war")).getParent();
            Path root = target.resolve("it-" + name);
            // a root dir left by an earlier run would redeploy its old copy of the app next to ours
            deleteRecursively(root);
            Files.createDirectories(root);
            Path log = target.resolve("it-" + name + ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx512m");
            command.add("-Xss256k");
            command.add("-XX:+UseG1GC");
            Map<String, String> all = new TreeMap<>(properties);
            all.putIfAbsent("herald.publish-token", TOKEN);
            all.forEach((key, value) -> command.add("-D" + key + "=" + value));
            command.addAll(List.of("-jar", System.getProperty("payara.micro.jar"),
                    "--prebootcommandfile", System.getProperty("payara.preboot"),
                    "--deploy", System.getProperty("herald.war"), "--contextroot", "/",
                    "--port", Integer.toString(port), "--nocluster", "--disablephonehome",
                    "--minhttpthreads", "2", "--maxhttpthreads", "16", "--rootdir", root.toString()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            HeraldServer server = new HeraldServer(name, port, process, log);
            server.awaitReady(Duration.ofSeconds(120));
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Payara Micro", e);
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient client = Http.CLIENT;
        String lastAnswer = "no answer";
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited early, see " + log);
            }
            try {
                HttpResponse<String> health = client.send(HttpRequest.newBuilder(uri("/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200 && health.body().contains("herald-hub")) {
                    return;
                }
                lastAnswer = health.statusCode() + " " + health.body();
            } catch (IOException e) {
                lastAnswer = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                // polling a port that is not open yet: there is no event to wait on
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException(name + " not ready within " + timeout + " (last answer: " + lastAnswer
                + "), see " + log);
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    public URI wsUri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port + pathAndQuery);
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** Live heap of the server process after a full GC, in bytes (jcmd GC.run, then GC.heap_info). */
    public long heapUsedAfterGc() {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher used = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(info);
        if (!used.find()) {
            throw new IllegalStateException("unexpected GC.heap_info output: " + info);
        }
        return Long.parseLong(used.group(2)) * 1024;
    }

    private String jcmd(String command) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid()), command).redirectErrorStream(true).start();
            String output = new String(jcmd.getInputStream().readAllBytes());
            if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + command + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
