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
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real server running Herald, which tests and benchmarks talk to over real sockets and inspect as a process
 * (jcmd, /proc). Either one that Arquillian deployed ({@link #deployed}, most integration tests), or one this
 * class starts itself ({@link #start}, {@link #builder}): a Payara Micro process running target/herald.war on
 * a free port, started the way the README starts it, or with herald.it.runtime=wildfly a real WildFly with the
 * same war — for what Arquillian cannot do: stopping the process, several nodes, benchmarks.
 */
public final class HeraldServer implements AutoCloseable {
    /** The publish token unless {@link Builder#property} sets herald.publish-token. */
    public static final String TOKEN = "it-token";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    /** How long {@link #metricsText()} waits for a fresh OTLP export (WildFly exports every second). */
    private static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final int port;
    private final int managementPort;
    /** The started process: the JVM on Payara, standalone.sh on WildFly; null for a deployed server. */
    private final Process process;
    /** The server's JVM: {@link #process} on Payara, standalone.sh's child (from its pid file) on WildFly. */
    private final ProcessHandle jvm;
    private final Path log;
    /** Receives the server's metrics over OTLP (WildFly, unless the caller configured OTLP itself), or null. */
    private final OtlpReceiver receiver;
    /** This server's runtime (a test may run one of each). */
    private final boolean wildFly;

    private HeraldServer(boolean wildFly, String name, int port, int managementPort, Process process, ProcessHandle jvm,
                         Path log, OtlpReceiver receiver) {
        this.wildFly = wildFly;
        this.name = name;
        this.port = port;
        this.managementPort = managementPort;
        this.process = process;
        this.jvm = jvm;
        this.log = log;
        this.receiver = receiver;
    }

    /** Whether servers start on WildFly: the system property herald.it.runtime is wildfly (payara unless set). */
    public static boolean onWildFly() {
        String runtime = System.getProperty("herald.it.runtime", "payara").trim();
        if (!runtime.equals("payara") && !runtime.equals("wildfly")) {
            throw new IllegalStateException("herald.it.runtime must be payara or wildfly, not " + runtime);
        }
        return runtime.equals("wildfly");
    }

    /**
     * The server Arquillian deployed the current test class's WAR to, at {@code base}: its JVM is a child of
     * this one (the newest with the runtime's launcher jar on its command line). On WildFly, /health is on
     * the management port (system property herald.it.wildfly.management.port) and the metrics come over OTLP
     * to {@code receiver}. {@link #close()} then only forgets it; Arquillian stops what it started.
     */
    public static HeraldServer deployed(java.net.URL base, OtlpReceiver receiver) {
        boolean wildFly = onWildFly();
        String marker = wildFly ? "jboss-modules.jar" : "payara-micro.jar";
        ProcessHandle jvm = ProcessHandle.current().children()
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.info().commandLine().orElse("").contains(marker))
                .max(Comparator.comparing(process -> process.info().startInstant().orElse(java.time.Instant.MIN)))
                .orElseThrow(() -> new IllegalStateException("no server JVM (" + marker + ") among this JVM's children"));
        int port = base.getPort();
        int managementPort = wildFly ? Integer.getInteger("herald.it.wildfly.management.port", -1) : port;
        return new HeraldServer(wildFly, "deployed", port, managementPort, null, jvm, null, receiver);
    }

    /**
     * Tests stop servers often: without a drain of their own settings (DrainIT), a stop drains at once instead
     * of after the production grace and period (5 s + 10 s).
     */
    static void withQuickDrain(Map<String, String> settings) {
        settings.putIfAbsent("herald.drain.grace", "0s");
        settings.putIfAbsent("herald.drain.period", "0s");
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

    /** Where /health is: the HTTP port on Payara, the management port on WildFly. */
    public int managementPort() {
        return managementPort;
    }

    /** The server's JVM (jcmd targets it). */
    public long pid() {
        return jvm.pid();
    }

    public boolean isAlive() {
        return jvm.isAlive();
    }

    public boolean onWildFlyRuntime() {
        return wildFly;
    }

    /** GET /health/ready (on WildFly's management port). */
    public Response readiness() {
        return get(managementPort, "/health/ready");
    }

    /** SIGKILL to the server's JVM: no shutdown hook, no goodbye to clients; waits until it is gone. */
    public void kill() {
        jvm.destroyForcibly();
        try {
            jvm.onExit().get(30, TimeUnit.SECONDS);
            if (process != null) {
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | ExecutionException e) {
            throw new IllegalStateException(name + " did not die on SIGKILL", e);
        }
    }

    /** The server's stdout and stderr; null for a deployed server (its output is in the test class's output). */
    public Path log() {
        return log;
    }

    /**
     * Where Prometheus scrapes this server's metrics: GET /metrics of the server on Payara; on WildFly, which
     * exports over OTLP only, GET /metrics of this server's OTLP receiver, which serves what it received as
     * Prometheus text (as a collector's Prometheus exporter would).
     */
    public URI scrapeUri() {
        if (receiver == null) {
            if (wildFly) {
                throw new IllegalStateException(name + " exports its metrics to an OTLP endpoint of its caller");
            }
            return uri("/metrics");
        }
        return receiver.scrapeUri();
    }

    /**
     * Herald's metrics as Prometheus text, including everything the server did before this call: on Payara
     * the body of GET /metrics; on WildFly, which has no MicroProfile Metrics, the server's next OTLP export
     * to this server's receiver, converted the way an OpenTelemetry-to-Prometheus exporter names series
     * (see {@link OtlpReceiver#prometheusText}).
     */
    public String metricsText() {
        if (receiver == null) {
            if (wildFly) {
                throw new IllegalStateException(name + " exports its metrics to an OTLP endpoint of its caller");
            }
            Response metrics = get("/metrics");
            if (metrics.status() != 200) {
                throw new IllegalStateException("GET /metrics answered " + metrics.status() + ": " + metrics.body());
            }
            return metrics.body();
        }
        return receiver.prometheusText(EXPORT_TIMEOUT);
    }

    /**
     * HTTP/1.0 GET on a fresh socket: the server closes after the body, so no pooled connection lingers in
     * the server (benchmarks measure its idle connections).
     */
    public Response get(String path) {
        return get(port, path);
    }

    static Response get(int port, String path) {
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

    /** Threads of the server's JVM right now (Linux: the Threads line of /proc/{pid}/status). */
    public int threadCount() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring("Threads:".length()).trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no Threads line for pid " + pid());
    }

    /** Thread names of the server's JVM with digits folded to '#', and how many of each (jcmd Thread.print). */
    public Map<String, Integer> threadKinds() {
        Map<String, Integer> kinds = new TreeMap<>();
        Matcher name = Pattern.compile("(?m)^\"([^\"]*)\"").matcher(jcmd("Thread.print"));
        while (name.find()) {
            kinds.merge(name.group(1).replaceAll("[0-9]+", "#"), 1, Integer::sum);
        }
        return kinds;
    }

    /** Live heap of the server process after a full GC, in bytes. */
    public long heapUsedAfterGc() {
        return heapAfterGc().usedBytes();
    }

    /** Heap used and committed after a full GC (jcmd GC.run, then GC.heap_info). */
    public Heap heapAfterGc() {
        return heapAfterGc(pid());
    }

    /** The same for any JVM of this user, by pid (a Herald the load generator did not start). */
    public static Heap heapAfterGc(long pid) {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher heap = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(info);
        if (!heap.find()) {
            throw new IllegalStateException("unexpected GC.heap_info output: " + info);
        }
        return new Heap(Long.parseLong(heap.group(2)) * 1024, Long.parseLong(heap.group(1)) * 1024);
    }

    /** Runs a jcmd diagnostic command (GC.run, GC.class_histogram, ...) against the server; its output. */
    public String jcmd(String command) {
        return jcmd(pid(), command);
    }

    private static String jcmd(long pid, String command) {
        return Processes.run(List.of(javaTool("jcmd"), Long.toString(pid), command), Map.of(), Duration.ofSeconds(60));
    }


    /**
     * Stops the server (SIGTERM to its JVM, so Herald closes its clients with a reason); safe to call twice.
     * A deployed server is Arquillian's to stop: nothing happens.
     */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        try {
            jvm.destroy();
            try {
                jvm.onExit().get(30, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                jvm.destroyForcibly();
                jvm.onExit().get(10, TimeUnit.SECONDS);
            }
            // WildFly's standalone.sh ends once its JVM has
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            jvm.destroyForcibly();
            process.destroyForcibly();
        } catch (TimeoutException | ExecutionException e) {
            process.destroyForcibly();
        } finally {
            if (receiver != null) {
                receiver.close();
            }
        }
    }

    /** Payara Micro's deployment failure that the launch retries (see {@link DeployCheckExtension}). */
    static final String PAYARA_DEPLOY_FAILURE = "NCLS-SECURITY-01144";

    /** Thrown by {@link #awaitReady} when Payara Micro logged {@link #PAYARA_DEPLOY_FAILURE}. */
    private static final class DeployFailed extends IllegalStateException {
        DeployFailed(String message) {
            super(message);
        }
    }

    private void awaitReady() {
        String lastAnswer = "no answer";
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited early (" + process.exitValue() + "), see " + log);
            }
            if (!wildFly && logContains(PAYARA_DEPLOY_FAILURE)) {
                throw new DeployFailed(name + ": the deployment failed with " + PAYARA_DEPLOY_FAILURE + ", see " + log);
            }
            try {
                // Payara answers UP before the app is deployed; Herald's own check proves the app is in.
                // WildFly serves /health on its management port.
                Response health = get(managementPort, "/health/ready");
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
        jvm.destroyForcibly();
        process.destroyForcibly();
        throw new IllegalStateException(name + " not ready within " + READY_TIMEOUT + " (last answer: " + lastAnswer
                + "), see " + log);
    }

    private boolean logContains(String text) {
        try {
            return log != null && Files.isRegularFile(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            return false;
        }
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
        private Path war;
        private boolean wildFly = onWildFly();

        private Builder(String name) {
            this.name = name;
            this.root = "it-" + name;
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

        /** payara or wildfly; the system property herald.it.runtime unless set (benchmarks compare both). */
        public Builder runtime(String runtime) {
            if (!runtime.equals("payara") && !runtime.equals("wildfly")) {
                throw new IllegalArgumentException("runtime must be payara or wildfly, not " + runtime);
            }
            wildFly = runtime.equals("wildfly");
            return this;
        }

        /**
         * Deploys this WAR instead of the build's (a benchmark's before/after variant); root dir and log stay
         * relative to the build's target directory. WildFly deploys it as herald.war, like the build's.
         */
        public Builder war(Path file) {
            war = file.toAbsolutePath();
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
                Path built = artifact("herald.war", "target/herald.war");
                Path target = built.getParent();
                Path deployed = war == null ? built : war;
                Path logFile = target.resolve(log != null ? log : "it-" + name + (wildFly ? "-wildfly" : "") + ".log");
                Files.createDirectories(logFile.getParent());
                return wildFly ? startWildFly(deployed, target, logFile) : startPayara(deployed, target, logFile);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + (wildFly ? "WildFly" : "Payara Micro"), e);
            }
        }

        private HeraldServer startPayara(Path war, Path target, Path logFile) throws IOException {
            Path rootDir = target.resolve(root);
            // a root dir left by an earlier run would redeploy its old copy of the app next to ours
            deleteRecursively(rootDir);
            Files.createDirectories(rootDir);
            int port = freePort();
            List<String> command = command(war, port, rootDir);
            if (progress != null) {
                progress.println("starting: " + String.join(" ", command));
            }
            for (int attempt = 1; ; attempt++) {
                long t0 = System.nanoTime();
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(logFile.toFile()).start();
                HeraldServer server = new HeraldServer(false, name, port, port, process, process.toHandle(), logFile,
                        null);
                try {
                    return ready(server, t0);
                } catch (DeployFailed e) {
                    server.close();
                    if (attempt >= DeployRetries.MAX) {
                        throw e;
                    }
                    DeployRetries.record("Payara Micro " + name);
                    deleteRecursively(rootDir);
                    Files.createDirectories(rootDir);
                }
            }
        }

        private HeraldServer ready(HeraldServer server, long t0) {
            server.awaitReady();
            if (progress != null) {
                progress.printf("server pid %d ready on 127.0.0.1:%d in %.1f s (log %s)%n", server.pid(), server.port,
                        (System.nanoTime() - t0) / 1e9, server.log);
            }
            return server;
        }

        /**
         * WildFly: a fresh base directory (a copy of the distribution's standalone/) configured offline with
         * src/main/wildfly/configure.cli, the war in its deployments/, then standalone.sh with
         * standalone-microprofile.xml on free ports. Herald's metrics go over OTLP to a receiver of this server
         * unless the properties name an OTLP endpoint themselves (TelemetryIT).
         */
        private HeraldServer startWildFly(Path war, Path target, Path logFile) throws IOException {
            Path home = Path.of(System.getProperty("wildfly.home", "target/wildfly/wildfly-39.0.1.Final"))
                    .toAbsolutePath();
            if (!Files.isRegularFile(home.resolve("bin/standalone.sh"))) {
                throw new IllegalStateException(home + " is not a WildFly; run mvn -Pwildfly -DskipTests package first");
            }
            Path cli = artifact("wildfly.configure.cli", "src/main/wildfly/configure.cli");
            Path base = target.resolve(root + "-wildfly");
            deleteRecursively(base);
            copyRecursively(home.resolve("standalone"), base);
            long t0 = System.nanoTime();
            Map<String, String> environment = Map.of("JAVA_HOME", System.getProperty("java.home"),
                    "JAVA", javaTool("java"));
            // offline (embedded server), before the server starts; its output goes to the server's log
            ProcessBuilder configure = new ProcessBuilder("sh", home.resolve("bin/jboss-cli.sh").toString(),
                    "-Djboss.server.base.dir=" + base, "--file=" + cli)
                    .redirectErrorStream(true).redirectOutput(logFile.toFile());
            configure.environment().putAll(environment);
            Process cliProcess = configure.start();
            try {
                if (!cliProcess.waitFor(120, TimeUnit.SECONDS) || cliProcess.exitValue() != 0) {
                    cliProcess.destroyForcibly();
                    throw new IllegalStateException("jboss-cli.sh --file=" + cli + " failed for " + base + ", see "
                            + logFile);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cliProcess.destroyForcibly();
                throw new IllegalStateException(e);
            }
            Files.copy(war, base.resolve("deployments").resolve("herald.war"));

            Map<String, String> all = new TreeMap<>(properties);
            all.putIfAbsent("herald.publish-token", TOKEN);
            withQuickDrain(all);
            OtlpReceiver receiver = null;
            if (!all.containsKey("otel.exporter.otlp.endpoint")) {
                // keeps ~20 exports of Herald's ~50 metrics
                receiver = OtlpReceiver.start(1000);
                all.putAll(receiver.exportProperties(false));
            }
            try {
                int port = freePort();
                int managementPort = freePort();
                Path pidFile = base.resolve("java.pid");
                List<String> command = new ArrayList<>(List.of("sh", home.resolve("bin/standalone.sh").toString(),
                        "-c", "standalone-microprofile.xml", "-Djboss.server.base.dir=" + base,
                        "-Djboss.http.port=" + port, "-Djboss.https.port=0",
                        "-Djboss.management.http.port=" + managementPort, "-Djboss.management.https.port=0",
                        "-Djboss.bind.address=127.0.0.1", "-Djboss.bind.address.management=127.0.0.1"));
                // standalone.sh passes its arguments through eval inside double quotes
                all.forEach((key, value) -> command.add("-D" + key + "=" + value.replaceAll("([\\\\\"$`])", "\\\\$1")));
                // standalone.conf keeps its own JVM options only when JAVA_OPTS is empty: these replace them
                List<String> javaOptions = new ArrayList<>(List.of("-Xmx" + maxHeap, "-Xss256k", "-XX:+UseG1GC",
                        "-XX:MetaspaceSize=96M", "-XX:MaxMetaspaceSize=256m", "-Djava.net.preferIPv4Stack=true",
                        "-Djboss.modules.system.pkgs=org.jboss.byteman", "-Djava.awt.headless=true"));
                javaOptions.addAll(jvmArgs);
                if (progress != null) {
                    progress.println("starting: JAVA_OPTS='" + String.join(" ", javaOptions) + "' "
                            + String.join(" ", command));
                }
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
                builder.environment().putAll(environment);
                // the JVM runs as standalone.sh's child and writes its pid to JBOSS_PIDFILE; SIGTERM goes to it
                builder.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
                builder.environment().put("JBOSS_PIDFILE", pidFile.toString());
                builder.environment().put("JAVA_OPTS", String.join(" ", javaOptions));
                Process process = builder.start();
                ProcessHandle jvm = awaitPid(process, pidFile, logFile);
                HeraldServer server = new HeraldServer(true, name, port, managementPort, process, jvm, logFile, receiver);
                return ready(server, t0);
            } catch (RuntimeException | IOException e) {
                if (receiver != null) {
                    receiver.close();
                }
                throw e;
            }
        }

        private static ProcessHandle awaitPid(Process process, Path pidFile, Path logFile) throws IOException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                if (Files.isRegularFile(pidFile)) {
                    String pid = Files.readString(pidFile).trim();
                    if (!pid.isEmpty()) {
                        ProcessHandle jvm = ProcessHandle.of(Long.parseLong(pid)).orElse(null);
                        if (jvm != null) {
                            return jvm;
                        }
                    }
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException("standalone.sh exited (" + process.exitValue() + "), see " + logFile);
                }
                try {
                    // the pid file appears once standalone.sh has started the JVM: nothing to wait on
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            process.destroyForcibly();
            throw new IllegalStateException("no JVM pid in " + pidFile + " within 30 s, see " + logFile);
        }

        private List<String> command(Path war, int port, Path rootDir) {
            List<String> command = new ArrayList<>(List.of(javaTool("java"),
                    "-Xmx" + maxHeap, "-Xss256k", "-XX:+UseG1GC"));
            command.addAll(jvmArgs);
            Map<String, String> all = new TreeMap<>(properties);
            all.putIfAbsent("herald.publish-token", TOKEN);
            withQuickDrain(all);
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

        private static void copyRecursively(Path from, Path to) throws IOException {
            try (var paths = Files.walk(from)) {
                for (Path path : paths.toList()) {
                    Path copy = to.resolve(from.relativize(path).toString());
                    if (Files.isDirectory(path)) {
                        Files.createDirectories(copy);
                    } else {
                        Files.copy(path, copy, StandardCopyOption.COPY_ATTRIBUTES);
                    }
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
