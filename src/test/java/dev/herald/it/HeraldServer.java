package dev.herald.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Payara Micro process running target/herald.war on a free port, started the way the README starts
 * it. Integration tests and benchmarks talk to it over real sockets and inspect the process itself (jcmd).
 */
public final class HeraldServer implements AutoCloseable {
    /** The publish token unless {@link Builder#property} sets herald.publish-token. */
    public static final String TOKEN = "it-token";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

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
        return builder(name).properties(properties).start();
    }

    /** A server named {@code name}: its root dir is target/it-{name}, its output target/it-{name}.log. */
    public static Builder builder(String name) {
        return new Builder(name);
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

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Payara Micro's stdout and stderr. */
    public Path log() {
        return log;
    }

    /**
     * HTTP/1.0 GET on a fresh socket: the server closes after the body, so no pooled connection lingers in
     * the server (benchmarks measure its idle connections).
     */
    public Response get(String path) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(30_000);
            OutputStream output = socket.getOutputStream();
            output.write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1:" + port + "\r\nAccept: */*\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            output.flush();
            InputStream input = socket.getInputStream();
            String all = new String(input.readAllBytes(), StandardCharsets.UTF_8);
            int end = all.indexOf("\r\n\r\n");
            String[] statusLine = all.substring(0, Math.max(all.indexOf("\r\n"), 0)).split(" ");
            int status = statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : -1;
            return new Response(status, end < 0 ? "" : all.substring(end + 4));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Live heap of the server process after a full GC, in bytes. */
    public long heapUsedAfterGc() {
        return heapAfterGc().usedBytes();
    }

    /** Heap used and committed after a full GC (jcmd GC.run, then GC.heap_info). */
    public Heap heapAfterGc() {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher heap = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(info);
        if (!heap.find()) {
            throw new IllegalStateException("unexpected GC.heap_info output: " + info);
        }
        return new Heap(Long.parseLong(heap.group(2)) * 1024, Long.parseLong(heap.group(1)) * 1024);
    }

    /** Runs a jcmd diagnostic command (GC.run, GC.class_histogram, ...) against the server; its output. */
    public String jcmd(String command) {
        try {
            Process jcmd = new ProcessBuilder(javaTool("jcmd"), Long.toString(pid()), command)
                    .redirectErrorStream(true).start();
            String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + command + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server (SIGTERM, so Herald closes its clients with a reason); safe to call twice. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void awaitReady() {
        String lastAnswer = "no answer";
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited early (" + process.exitValue() + "), see " + log);
            }
            try {
                // Payara answers UP before the app is deployed; Herald's own check proves the app is in
                Response health = get("/health/ready");
                if (health.status() == 200 && health.body().contains("herald-hub")) {
                    return;
                }
                lastAnswer = health.status() + " " + health.body();
            } catch (UncheckedIOException e) {
                lastAnswer = e.getCause().toString();
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
        throw new IllegalStateException(name + " not ready within " + READY_TIMEOUT + " (last answer: " + lastAnswer
                + "), see " + log);
    }

    private static String javaTool(String tool) {
        return Path.of(System.getProperty("java.home"), "bin", tool).toString();
    }

    public record Response(int status, String body) {
    }

    public record Heap(long usedBytes, long committedBytes) {
    }

    /**
     * How to start a server. The war, Payara Micro jar and preboot file come from the system properties
     * herald.war, payara.micro.jar and payara.preboot (failsafe sets them), else from the Maven layout below
     * the working directory (benchmarks run by exec:java).
     */
    public static final class Builder {
        private final String name;
        private final Map<String, String> properties = new TreeMap<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private String maxHeap = "512m";
        private String root;
        private String log;
        private PrintStream progress;

        private Builder(String name) {
            this.name = name;
            this.root = "it-" + name;
            this.log = "it-" + name + ".log";
        }

        /** A -D system property (Herald reads them via MP Config). */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        public Builder properties(Map<String, String> all) {
            properties.putAll(all);
            return this;
        }

        /** -Xmx value, 512m unless set. */
        public Builder maxHeap(String value) {
            maxHeap = value;
            return this;
        }

        /** A JVM option after the standard ones (-Xmx, -Xss, GC), e.g. -XX:+AlwaysPreTouch. */
        public Builder jvmArg(String arg) {
            jvmArgs.add(arg);
            return this;
        }

        /** Payara's root dir and the output file, relative to the war's directory (target). */
        public Builder files(String rootDir, String logFile) {
            root = rootDir;
            log = logFile;
            return this;
        }

        /** Prints the command line and the start-up time to {@code out} (silent unless set). */
        public Builder progress(PrintStream out) {
            progress = out;
            return this;
        }

        /** Starts the process and waits until Herald answers its readiness check. */
        public HeraldServer start() {
            try {
                Path war = artifact("herald.war", "target/herald.war");
                Path target = war.getParent();
                Path rootDir = target.resolve(root);
                // a root dir left by an earlier run would redeploy its old copy of the app next to ours
                deleteRecursively(rootDir);
                Files.createDirectories(rootDir);
                Path logFile = target.resolve(log);
                Files.createDirectories(logFile.getParent());
                int port = freePort();
                List<String> command = command(war, port, rootDir);
                if (progress != null) {
                    progress.println("starting: " + String.join(" ", command));
                }
                long t0 = System.nanoTime();
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(logFile.toFile()).start();
                HeraldServer server = new HeraldServer(name, port, process, logFile);
                server.awaitReady();
                if (progress != null) {
                    progress.printf("server pid %d ready on 127.0.0.1:%d in %.1f s (log %s)%n", process.pid(), port,
                            (System.nanoTime() - t0) / 1e9, logFile);
                }
                return server;
            } catch (IOException e) {
                throw new IllegalStateException("cannot start Payara Micro", e);
            }
        }

        private List<String> command(Path war, int port, Path rootDir) {
            List<String> command = new ArrayList<>(List.of(javaTool("java"),
                    "-Xmx" + maxHeap, "-Xss256k", "-XX:+UseG1GC"));
            command.addAll(jvmArgs);
            Map<String, String> all = new TreeMap<>(properties);
            all.putIfAbsent("herald.publish-token", TOKEN);
            all.forEach((key, value) -> command.add("-D" + key + "=" + value));
            command.addAll(List.of("-jar", artifact("payara.micro.jar", "target/payara/payara-micro.jar").toString(),
                    "--prebootcommandfile", artifact("payara.preboot", "src/main/payara/preboot.asadmin").toString(),
                    "--deploy", war.toString(), "--contextroot", "/",
                    "--port", Integer.toString(port), "--nocluster", "--disablephonehome",
                    "--minhttpthreads", "2", "--maxhttpthreads", "16", "--rootdir", rootDir.toString()));
            return command;
        }

        private static Path artifact(String property, String fallback) {
            Path path = Path.of(System.getProperty(property, fallback)).toAbsolutePath();
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException(path + " missing; run mvn -DskipTests package first");
            }
            return path;
        }

        private static void deleteRecursively(Path root) throws IOException {
            if (!Files.exists(root)) {
                return;
            }
            try (var paths = Files.walk(root)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }
    }
}
