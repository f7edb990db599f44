package dev.herald.bench;

import dev.herald.it.HeraldServer;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Herald started by the benchmark on Payara Micro or WildFly (the repo's configure.cli), as the README runs
 * it plus -XX:+AlwaysPreTouch, so committed heap is resident from the start and the PSS delta is native
 * memory (DESIGN.md's definition of memory per connection).
 */
final class HeraldTarget implements Target {
    static final String TOKEN = "bench-token";
    private static final Pattern SERIES_VALUE = Pattern.compile("\\}\\s+(\\S+)");
    private final HeraldServer server;
    private final String runtime;
    private final String engine;
    private final String variant;

    private HeraldTarget(HeraldServer server, String runtime, String engine, String variant) {
        this.server = server;
        this.runtime = runtime;
        this.engine = engine;
        this.variant = variant;
    }

    /**
     * {@code heartbeat}: herald.heartbeat-interval. 15 s (Herald's default and nchan's ping interval in
     * bench/nchan/nginx.conf) keeps the comparison fair; a closed SSE socket is only noticed on a write, so a
     * short one releases vanished subscribers sooner.
     *
     * <p>{@code variant} and {@code war}: a WAR variant (--war label=file) instead of target/herald.war, or
     * null and null; the server's root dir and log go to target/bench like those of the normal WAR.
     */
    static HeraldTarget start(String runtime, String engine, String variant, Path war, String name, String maxHeap,
                              String heartbeat, java.io.PrintStream progress) {
        HeraldServer.Builder builder = HeraldServer.builder(name)
                .runtime(runtime)
                .files("bench/root-" + name, "bench/server-" + name + ".log")
                .maxHeap(maxHeap)
                .jvmArg("-XX:+AlwaysPreTouch")
                .property("herald.publish-token", TOKEN)
                .property("herald.sse.engine", engine)
                .property("herald.heartbeat-interval", heartbeat)
                .progress(progress);
        if (war != null) {
            builder.war(war);
            if (progress != null) {
                progress.println("WAR variant @" + variant + ": " + war.toAbsolutePath());
            }
        }
        HeraldServer server = builder.start();
        return new HeraldTarget(server, runtime, engine, variant);
    }

    @Override
    public String label(String transport) {
        String server = runtime.equals("wildfly") ? "Herald/WildFly" : "Herald/Payara";
        return label(server + (transport.equals("ws") ? " WebSocket" : " SSE " + engine), variant);
    }

    /** A row label with its WAR variant, if any: "Herald/Payara SSE servlet @before". */
    static String label(String server, String variant) {
        return variant == null ? server : server + " @" + variant;
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public Dialect dialect() {
        return Dialect.HERALD;
    }

    @Override
    public URI publishUri(String topic) {
        return server.uri("/api/topics/" + topic);
    }

    @Override
    public String authorization() {
        return "Bearer " + TOKEN;
    }

    @Override
    public Sample sample() {
        return Sample.ofJvm(server.pid());
    }

    @Override
    public double cpuSeconds() {
        return ProcStats.cpuSeconds(List.of(server.pid()));
    }

    @Override
    public long connections(String transport) {
        return (long) sum(server.metricsText(), "herald_connections{", transport, null);
    }

    @Override
    public String overflowCounters(String transport) {
        return overflowCounters(server.metricsText(), transport);
    }

    /** Dropped events by reason and subscribers closed for being slow, from Herald's Prometheus text. */
    static String overflowCounters(String text, String transport) {
        Map<String, Long> counters = new TreeMap<>();
        for (String reason : List.of("drop-oldest", "conflated", "disconnect")) {
            counters.put("dropped." + reason, (long) sum(text, "herald_events_dropped_total{", transport, reason));
        }
        for (String reason : List.of("slow-consumer", "write-timeout")) {
            counters.put("closed." + reason, (long) sum(text, "herald_connections_closed_total{", transport, reason));
        }
        return counters.toString();
    }

    /** Sum of the series of {@code prefix} with the transport (and reason) label; -1 if there is none. */
    static double sum(String metrics, String prefix, String transport, String reason) {
        double total = -1;
        for (String line : metrics.split("\n")) {
            if (!line.startsWith(prefix) || !line.contains("transport=\"" + transport + "\"")
                    || (reason != null && !line.contains("reason=\"" + reason + "\""))) {
                continue;
            }
            Matcher value = SERIES_VALUE.matcher(line);
            if (value.find()) {
                total = Math.max(total, 0) + Double.parseDouble(value.group(1));
            }
        }
        return total;
    }

    @Override
    public String logProblems() {
        try {
            long oom = 0;
            long files = 0;
            for (String line : Files.readAllLines(server.log(), StandardCharsets.ISO_8859_1)) {
                oom += line.contains("OutOfMemoryError") ? 1 : 0;
                files += line.contains("Too many open files") ? 1 : 0;
            }
            return (oom > 0 ? "OutOfMemoryError x" + oom + " " : "") + (files > 0 ? "too-many-open-files x" + files : "");
        } catch (IOException e) {
            return "log unreadable: " + e.getMessage();
        }
    }

    Path log() {
        return server.log();
    }

    @Override
    public void close() {
        server.close();
    }
}
