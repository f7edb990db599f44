package dev.herald.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Herald's load generator (README, "Benchmarks"): for every target server, transport and connection count
 * it starts a fresh server, opens N subscribers from client processes, measures memory per connection
 * (live heap after a full GC + native growth), then publishes timestamped events and measures delivery
 * latency, delivered vs expected and server CPU. Scenarios: hold, fanout, slow, storm, soak. Ends with a
 * side-by-side table and writes results.json and report.html to the output directory.
 *
 * <pre>
 * mvn -B -Pbench verify -Dbench.args="--scenario hold --targets payara:servlet,wildfly:servlet,nchan --connections 1000,5000"
 * </pre>
 */
public final class LoadGenerator {
    static final String TOPIC = "bench";

    private final Options options;
    private final PrintStream out;

    LoadGenerator(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        List<Row> rows = new LoadGenerator(options, System.out).runAll();
        boolean clean = rows.stream().allMatch(r -> r.failed == 0 && r.problems.isEmpty());
        System.exit(clean ? 0 : 1);
    }

    List<Row> runAll() throws IOException {
        Files.createDirectories(options.out);
        out.println("load generator: " + options);
        List<Row> rows = new ArrayList<>();
        for (Run planned : plan(options)) {
            Row row = run(planned.target(), planned.transport(), planned.connections());
            rows.add(row);
            Report.writeJson(options, rows, options.out.resolve("results.json"));
        }
        out.println();
        out.println(Report.table(options, rows));
        Report.writeHtml(options, rows, options.out.resolve("report.html"));
        out.println("results: " + options.out.resolve("results.json").toAbsolutePath());
        out.println("chart:   " + options.out.resolve("report.html").toAbsolutePath());
        return rows;
    }

    /** One server start: a target spec (with its WAR variant, if any), a transport and N. */
    record Run(String target, String transport, int connections) {
    }

    /**
     * Every target, transport and N, in the order the options name them, except that the WAR variants of one
     * server (payara:servlet, payara:servlet@before) run back to back for each transport and N: on a noisy
     * machine, before and after are then measured minutes apart, not a whole run apart.
     */
    static List<Run> plan(Options options) {
        Map<String, List<Run>> byServer = new LinkedHashMap<>();
        for (String target : options.targets) {
            String base = TargetSpec.baseOf(target);
            for (String transport : options.transports) {
                if (base.endsWith(":jaxrs") && transport.equals("ws")) {
                    continue; // the SSE engine does not touch WebSocket: same as the servlet row
                }
                for (int n : options.connections) {
                    byServer.computeIfAbsent(base + " " + transport + " " + n, k -> new ArrayList<>())
                            .add(new Run(target, transport, n));
                }
            }
        }
        return byServer.values().stream().flatMap(List::stream).toList();
    }

    private Row run(String targetSpec, String transport, int n) throws IOException {
        String name = TargetSpec.parse(targetSpec).name() + "-" + transport + "-" + n;
        out.printf("%n== %s %s, %,d connections, scenario %s ==%n", targetSpec, transport, n, options.scenario);
        Path logDir = Files.createDirectories(options.out.resolve(name));
        long runStart = System.nanoTime();
        try (Target target = Targets.start(targetSpec, name, options, logDir, out)) {
            Row row = new Row(options.scenario, target.label(transport), targetSpec, transport, n);
            String variant = row.variant();
            if (variant != null) {
                Path war = options.wars.get(variant).toAbsolutePath();
                row.war = war.toString();
                Path revision = Path.of(war + ".rev");
                row.warRevision = Files.isRegularFile(revision) ? Files.readString(revision).trim() : null;
            }
            int processes = ClientFleet.processesFor(n);
            row.processes = processes;
            try (ClientFleet fleet = ClientFleet.start(processes, target.host(), target.port(), target.dialect(),
                    transport, TOPIC, logDir, out)) {
                RatePublisher publisher = new RatePublisher(target.publishUri(TOPIC), target.authorization(),
                        options.payloadBytes);
                row.warmup = warmUp(fleet, publisher);
                Target.Sample base = target.sample();
                out.printf("  baseline: heap %,d KB used / %,d KB committed, PSS %,d KB%n", base.heapUsedKb(),
                        base.heapCommittedKb(), base.pssKb());
                long t0 = System.nanoTime();
                List<Map<String, String>> opened = fleet.ask(i -> "open " + ClientFleet.share(n, processes, i)
                        + " " + options.batch);
                row.openSeconds = (System.nanoTime() - t0) / 1e9;
                row.opened = ClientFleet.sum(opened, "open") - row.warmup;
                row.failed = ClientFleet.sum(opened, "failed");
                row.failures = String.join(" ", opened.stream().map(a -> a.getOrDefault("failures", "{}")).toList());
                row.gauge = awaitConnections(target, transport, row.warmup + row.opened, 30);
                row.memory(base, target.sample());
                out.printf(Locale.ROOT, "  %,d open (%d failed) in %.1f s; server gauge %d; heap %.2f + native %.2f"
                                + " = %.2f KB per connection%n", row.opened, row.failed, row.openSeconds, row.gauge,
                        row.heapKb, row.nativeKb, row.sumKb());
                scenario(row, target, fleet, publisher);
                row.lost = ClientFleet.sum(fleet.askAll("stats false"), "closedByServer");
                fleet.askAll("close-all");
            }
            row.gaugeAfterClose = awaitConnections(target, transport, 0, 180);
            row.problems = target.logProblems();
            out.println("  " + Report.summary(options, row));
            out.printf(Locale.ROOT, "  (run took %.0f s)%n", (System.nanoTime() - runStart) / 1e9);
            return row;
        }
    }

    /**
     * Opens a few connections and publishes a little before the baseline, so class loading, JIT and lazily
     * built container parts are not billed to the measured connections. The warm-up connections stay open
     * (closing them would mean waiting for the server to notice, up to two heartbeats for SSE on Payara) and
     * take part in the publishing phases; memory is measured on the N opened after the baseline.
     */
    private long warmUp(ClientFleet fleet, RatePublisher publisher) {
        if (options.warmup <= 0) {
            return 0;
        }
        out.printf("  warm-up: %d connections, %d events%n", options.warmup, 20);
        long open = ClientFleet.sum(fleet.ask(i -> "open " + ClientFleet.share(options.warmup, fleet.size(), i)
                + " " + options.batch), "open");
        publisher.publish(20, 1, second -> { });
        fleet.askAll("stats true");
        return open;
    }

    private void scenario(Row row, Target target, ClientFleet fleet, RatePublisher publisher) {
        long receivers = row.warmup + row.opened;
        switch (options.scenario) {
            case "hold" -> row.phase = phase(target, fleet, publisher, options.rate, options.seconds, receivers, null);
            case "fanout" -> {
                for (double rate : options.rates) {
                    Phase p = phase(target, fleet, publisher, rate, options.seconds, receivers, null);
                    row.sweep.add(p);
                    if (!p.withinSlo(options.p99LimitMillis)) {
                        out.printf(Locale.ROOT, "  %.0f events/s is past the SLOs (p99 %.1f ms, %.3f %% delivered): sweep ends%n",
                                rate, p.p99(), 100 * p.deliveredRatio());
                        break;
                    }
                }
                row.phase = row.sweep.stream().filter(p -> p.withinSlo(options.p99LimitMillis))
                        .reduce((a, b) -> b).orElse(row.sweep.get(0));
            }
            case "slow" -> {
                // extra subscribers that stop reading once subscribed (4 KiB receive buffers), after the memory sample
                int slow = (int) Math.max(1, Math.round(row.opened * options.slowFraction));
                row.paused = ClientFleet.sum(fleet.ask(i -> "open-slow " + ClientFleet.share(slow, fleet.size(), i)
                        + " " + options.batch), "slow");
                out.printf("  %d more subscribers that stop reading once subscribed%n", row.paused);
                row.phase = phase(target, fleet, publisher, options.rate, options.seconds, receivers, null);
                row.end = target.sample();
                row.overflow = target.overflowCounters(row.transport);
            }
            case "storm" -> {
                int every = (int) Math.round(1 / options.stormFraction);
                Runnable storm = () -> {
                    long reconnected = ClientFleet.sum(fleet.askAll("reconnect " + every), "reconnected");
                    out.printf("  storm: %d subscribers reconnected with their last id%n", reconnected);
                };
                row.phase = phase(target, fleet, publisher, options.rate, options.seconds, receivers, storm);
            }
            case "soak" -> {
                row.phase = phase(target, fleet, publisher, options.rate, options.seconds, receivers, null);
                row.end = target.sample();
                out.printf(Locale.ROOT, "  soak: live heap after GC %,d KB after opening, %,d KB after %.0f s%n",
                        row.loaded.heapUsedKb(), row.end.heapUsedKb(), options.seconds);
            }
            default -> throw new IllegalArgumentException("scenario: " + options.scenario);
        }
    }

    /**
     * Publishes at {@code rate} for {@code seconds}, runs {@code midway} (if any) half-way through on its own
     * thread, then waits until every receiver has every event or deliveries stop advancing for 5 s.
     */
    private Phase phase(Target target, ClientFleet fleet, RatePublisher publisher, double rate, double seconds,
                        long receivers, Runnable midway) {
        fleet.askAll("stats true");
        double cpu0 = target.cpuSeconds();
        int half = (int) Math.max(1, seconds / 2);
        CompletableFuture<?>[] mid = {CompletableFuture.completedFuture(null)};
        out.printf(Locale.ROOT, "  publishing %.1f events/s for %.0f s to %,d subscribers%n", rate, seconds, receivers);
        RatePublisher.Outcome sent = publisher.publish(rate, seconds, second -> {
            if (midway != null && second == half) {
                mid[0] = CompletableFuture.runAsync(midway);
            }
            if (second % 10 == 0) {
                out.printf("    %d/%.0f s%n", second, seconds);
            }
        });
        mid[0].join();
        long expected = sent.accepted() * receivers;
        List<Map<String, String>> stats = awaitDeliveries(fleet, expected);
        double cpu = target.cpuSeconds() - cpu0;
        LatencyStats latency = ClientFleet.latency(stats);
        Phase p = new Phase(rate, sent.seconds(), sent.accepted(), sent.refused(), receivers, expected,
                ClientFleet.sum(stats, "delivered"), ClientFleet.sum(stats, "gaps"),
                ClientFleet.sum(stats, "duplicates"), ClientFleet.sum(stats, "resets"),
                ClientFleet.sum(stats, "dropped"), (int) ClientFleet.sum(stats, "reconnected"),
                latency.percentileMillis(50), latency.percentileMillis(95), latency.percentileMillis(99),
                latency.maxMillis(), cpu);
        out.printf(Locale.ROOT, "    delivered %,d/%,d (%.3f %%), p50 %.1f p95 %.1f p99 %.1f max %.1f ms, gaps %d,"
                        + " %.0f deliveries/s, CPU %.3f s per 1000%n", p.delivered(), p.expected(),
                100 * p.deliveredRatio(), p.p50(), p.p95(), p.p99(), p.max(), p.gaps(), p.deliveriesPerSecond(),
                p.cpuPerThousand());
        return p;
    }

    private List<Map<String, String>> awaitDeliveries(ClientFleet fleet, long expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long last = -1;
        long lastChange = System.nanoTime();
        while (true) {
            List<Map<String, String>> stats = fleet.askAll("stats false");
            long delivered = ClientFleet.sum(stats, "delivered");
            long now = System.nanoTime();
            if (delivered != last) {
                last = delivered;
                lastChange = now;
            }
            if (delivered >= expected || now - lastChange > TimeUnit.SECONDS.toNanos(5) || now > deadline) {
                return stats;
            }
            pause(200);
        }
    }

    /** Polls the server's connection gauge until it shows {@code expected}; -1 if the server has none. */
    private long awaitConnections(Target target, String transport, long expected, int seconds) {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long value = target.connections(transport);
            if (value == expected || value < 0) {
                double waited = (System.nanoTime() - start) / 1e9;
                if (waited > 2) {
                    out.printf(Locale.ROOT, "  server gauge reached %d after %.1f s%n", expected, waited);
                }
                return value;
            }
            if (System.nanoTime() > deadline) {
                out.printf("  server gauge still %d (expected %d) after %d s%n", value, expected, seconds);
                return value;
            }
            // the server registers and releases subscribers asynchronously; its gauge is all there is to watch
            pause(250);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Command-line options: --name value pairs; see the README's table. */
    record Options(String scenario, List<String> targets, List<String> transports, List<Integer> connections,
                   double rate, List<Double> rates, double seconds, double p99LimitMillis, int payloadBytes,
                   double slowFraction, double stormFraction, int batch, int warmup, String maxHeap,
                   String heartbeat, int nchanWorkers, String token, long pid, Path out, Map<String, Path> wars) {

        static Options parse(String... args) {
            Map<String, String> given = new LinkedHashMap<>();
            List<String> warOptions = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --name value pairs, got " + Arrays.toString(args));
                }
                String name = args[i].substring(2);
                String value = args[++i];
                if (name.equals("war")) {
                    warOptions.add(value); // the one option that may repeat: one label each
                } else {
                    given.put(name, value);
                }
            }
            String scenario = given.getOrDefault("scenario", "hold");
            double defaultSeconds = switch (scenario) {
                case "soak" -> 600;
                case "fanout" -> 15;
                default -> 20;
            };
            Options options = new Options(scenario,
                    list(given.getOrDefault("targets", "payara:servlet")),
                    list(given.getOrDefault("transports", "sse,ws")),
                    list(given.getOrDefault("connections", "1000")).stream().map(Integer::parseInt).toList(),
                    Double.parseDouble(given.getOrDefault("rate", scenario.equals("slow") ? "20" : "2")),
                    list(given.getOrDefault("rates", "1,2,5,10,20,50,100")).stream().map(Double::parseDouble).toList(),
                    Double.parseDouble(given.getOrDefault("seconds", Double.toString(defaultSeconds))),
                    Double.parseDouble(given.getOrDefault("p99-limit-ms", "250")),
                    Integer.parseInt(given.getOrDefault("payload-bytes", scenario.equals("slow") ? "4096" : "0")),
                    Double.parseDouble(given.getOrDefault("slow-fraction", "0.01")),
                    Double.parseDouble(given.getOrDefault("storm-fraction", "0.2")),
                    Integer.parseInt(given.getOrDefault("batch", "200")),
                    Integer.parseInt(given.getOrDefault("warmup", "100")),
                    given.getOrDefault("xmx", "512m"),
                    given.getOrDefault("heartbeat", "15s"),
                    Integer.parseInt(given.getOrDefault("nchan-workers", "2")),
                    given.getOrDefault("token", System.getenv("HERALD_PUBLISH_TOKEN")),
                    Long.parseLong(given.getOrDefault("pid", "0")),
                    Path.of(given.getOrDefault("out", "target/bench/" + scenario + "-"
                            + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))),
                    wars(warOptions));
            List<String> known = List.of("scenario", "targets", "transports", "connections", "rate", "rates", "seconds",
                    "p99-limit-ms", "payload-bytes", "slow-fraction", "storm-fraction", "batch", "warmup", "xmx",
                    "heartbeat", "nchan-workers", "token", "pid", "out", "war");
            for (String name : given.keySet()) {
                if (!known.contains(name)) {
                    throw new IllegalArgumentException("unknown option --" + name + "; known: " + known);
                }
            }
            if (!List.of("hold", "fanout", "slow", "storm", "soak").contains(scenario)) {
                throw new IllegalArgumentException("--scenario: hold, fanout, slow, storm or soak, not " + scenario);
            }
            for (String target : options.targets) {
                String variant = TargetSpec.parse(target).variant();
                if (variant != null && !options.wars.containsKey(variant)) {
                    throw new IllegalArgumentException("target " + target + ": unknown WAR label '" + variant
                            + "'; name its file with --war " + variant + "=path/to/herald.war (labels given: "
                            + options.wars.keySet() + ")");
                }
            }
            return options;
        }

        /** --war label=path, repeated: which WAR file a target's @label means (README, "Benchmarks"). */
        private static Map<String, Path> wars(List<String> values) {
            Map<String, Path> wars = new LinkedHashMap<>();
            for (String value : values) {
                int eq = value.indexOf('=');
                String label = eq < 0 ? "" : value.substring(0, eq).trim();
                if (!TargetSpec.LABEL.matcher(label).matches() || eq == value.length() - 1) {
                    throw new IllegalArgumentException("--war label=path/to/herald.war (label: letters, digits, '.',"
                            + " '_' or '-'), not '" + value + "'");
                }
                Path war = Path.of(value.substring(eq + 1).trim());
                if (!Files.isRegularFile(war)) {
                    throw new IllegalArgumentException("--war " + value + ": no such file " + war.toAbsolutePath()
                            + " (bench/build-war-at.sh <git-rev> <out.war> builds one)");
                }
                if (wars.put(label, war) != null) {
                    throw new IllegalArgumentException("--war " + label + "=... given twice");
                }
            }
            return Collections.unmodifiableMap(wars);
        }

        /** As the record prints itself, without the publish token (it goes to logs and results.json). */
        @Override
        public String toString() {
            return "Options[scenario=" + scenario + ", targets=" + targets + ", transports=" + transports
                    + ", connections=" + connections + ", rate=" + rate + ", rates=" + rates + ", seconds=" + seconds
                    + ", p99LimitMillis=" + p99LimitMillis + ", payloadBytes=" + payloadBytes + ", slowFraction="
                    + slowFraction + ", stormFraction=" + stormFraction + ", batch=" + batch + ", warmup=" + warmup
                    + ", xmx=" + maxHeap + ", heartbeat=" + heartbeat + ", nchanWorkers=" + nchanWorkers
                    + ", token=" + (token == null ? "none" : "***") + ", pid=" + pid + ", out=" + out
                    + (wars.isEmpty() ? "" : ", wars=" + wars) + "]";
        }

        private static List<String> list(String value) {
            return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    }
}
