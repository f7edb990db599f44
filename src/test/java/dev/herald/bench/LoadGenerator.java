package dev.herald.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
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
 *
 * <p>Several nodes as one target (sharing a Redis log): see {@link #USAGE}.
 */
public final class LoadGenerator {
    static final String TOPIC = "bench";
    static final String USAGE = """
            usage: LoadGenerator [--name value]...   (mvn -Pbench package -Dbench.args="...")
              --scenario hold|fanout|slow|storm|soak   --transports sse,ws   --connections 1000,5000
              --targets T,T,...  each T one of: payara:servlet payara:jaxrs wildfly:servlet wildfly:jaxrs
                        (each optionally @label, with --war label=path/to/herald.war), nchan, url:http://host:port
              several nodes as one target: node specs joined with +, e.g.
                        payara:servlet@r1+payara:servlet@r1   two nodes started from the WAR variant r1, which
                        must share an event log (herald.backplane=redis in its MicroProfile Config); or
                        url:http://127.0.0.1:8080+url:http://127.0.0.1:8081 (running nodes; --pid is ignored)
              --subscribe-to all|first|last|N,...   nodes of a multi-node target that hold the subscribers
                        (all: spread evenly; N counts from 1; default all)
              --publish-to first|last|any|N,...     node the publishes go to (any: round-robin; default first)
                        a multi-node target runs once per subscribe-to x publish-to pair, back to back;
                        rows say "K nodes, subscribers on ..., publishes to ..."
              --rate 2  --rates 1,2,5  --seconds 20  --p99-limit-ms 250  --payload-bytes 0  --warmup 100
              --batch 200  --xmx 512m  --heartbeat 15s  --nchan-workers 2  --token T  --pid P  --out DIR
              --slow-fraction 0.01  --storm-fraction 0.2   (README, "Benchmarks")
            """;

    private final Options options;
    private final PrintStream out;

    LoadGenerator(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        List<Row> rows = new LoadGenerator(options, System.out).runAll();
        boolean clean = rows.stream().allMatch(r -> r.failed == 0 && r.problems.isEmpty());
        System.exit(clean ? 0 : 1);
    }

    List<Row> runAll() throws IOException {
        Files.createDirectories(options.out);
        out.println("load generator: " + options);
        List<Row> rows = new ArrayList<>();
        for (Run planned : plan(options)) {
            Row row = run(planned.target(), planned.transport(), planned.connections(), planned.placement());
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

    /**
     * One server start: a target spec (with its WAR variant, if any), a transport, N and, for a target of
     * several nodes, where subscribers and publishes go ({@link Placement#ONE_NODE} for one node).
     */
    record Run(String target, String transport, int connections, Placement placement) {
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
                    List<Run> runs = byServer.computeIfAbsent(base + " " + transport + " " + n,
                            k -> new ArrayList<>());
                    if (TargetSpec.nodesOf(target).size() == 1) {
                        runs.add(new Run(target, transport, n, Placement.ONE_NODE));
                        continue;
                    }
                    for (String subscribeTo : options.subscribeTo) {
                        for (String publishTo : options.publishTo) {
                            runs.add(new Run(target, transport, n, Placement.of(subscribeTo, publishTo)));
                        }
                    }
                }
            }
        }
        return byServer.values().stream().flatMap(List::stream).toList();
    }

    private Row run(String targetSpec, String transport, int n, Placement placement) throws IOException {
        int nodeCount = TargetSpec.nodesOf(targetSpec).size();
        String name = TargetSpec.nameOf(targetSpec) + "-" + transport + "-" + n
                + (nodeCount == 1 ? "" : "-sub-" + placement.subscribeTo() + "-pub-" + placement.publishTo());
        out.printf("%n== %s %s, %,d connections, scenario %s%s ==%n", targetSpec, transport, n, options.scenario,
                nodeCount == 1 ? "" : ", " + placement.describe(nodeCount));
        Path logDir = Files.createDirectories(options.out.resolve(name));
        long runStart = System.nanoTime();
        try (Target target = Targets.start(targetSpec, name, options, logDir, out)) {
            List<Target> nodes = target.nodes();
            String label = target.label(transport) + (nodes.size() == 1 ? "" : ", " + placement.describe(nodes.size()));
            Row row = new Row(options.scenario, label, targetSpec, transport, n);
            row.nodes = nodes.size();
            if (nodes.size() > 1) {
                row.placement = placement.describe(nodes.size());
            }
            List<String> wars = new ArrayList<>();
            List<String> revisions = new ArrayList<>();
            for (String node : TargetSpec.nodesOf(targetSpec)) {
                String variant = TargetSpec.variantOf(node);
                if (variant == null || node.startsWith("url:")) {
                    continue;
                }
                Path war = options.wars.get(variant).toAbsolutePath();
                Path revision = Path.of(war + ".rev");
                if (!wars.contains(war.toString())) {
                    wars.add(war.toString());
                    revisions.add(Files.isRegularFile(revision) ? Files.readString(revision).trim() : "?");
                }
            }
            if (!wars.isEmpty()) {
                row.war = String.join(" + ", wars);
                row.warRevision = revisions.stream().allMatch("?"::equals) ? null : String.join(" + ", revisions);
            }
            List<ClientFleet.Endpoint> subscribed = new ArrayList<>();
            for (int k : placement.subscriberNodes(nodes.size())) {
                subscribed.add(new ClientFleet.Endpoint(k, nodes.get(k).host(), nodes.get(k).port()));
            }
            List<ClientFleet.Endpoint> endpoints = ClientFleet.endpoints(n, subscribed);
            row.processes = endpoints.size();
            try (ClientFleet fleet = ClientFleet.start(endpoints, target.dialect(), transport, TOPIC, logDir, out)) {
                List<java.net.URI> uris = nodes.stream().map(t -> t.publishUri(TOPIC)).toList();
                RatePublisher publisher = new RatePublisher(uris, i -> placement.publishNode(i, nodes.size()),
                        target.authorization(), options.payloadBytes);
                row.warmup = warmUp(fleet, publisher);
                Target.Sample base = target.sample();
                out.printf("  baseline: heap %,d KB used / %,d KB committed, PSS %,d KB%n", base.heapUsedKb(),
                        base.heapCommittedKb(), base.pssKb());
                long t0 = System.nanoTime();
                List<Map<String, String>> opened = fleet.ask(i -> "open " + fleet.shareOf(n, i)
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
                if (target instanceof MultiNodeTarget multi) {
                    row.nodeGauges = multi.nodeConnections(transport);
                    out.println("  server gauges per node: " + row.nodeGauges);
                }
                scenario(row, target, fleet, publisher);
                row.publishesPerNode = publisher.acceptedPerNode();
                if (nodes.size() > 1) {
                    out.println("  accepted publishes per node (warm-up included): " + row.publishesPerNode);
                }
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
        long open = ClientFleet.sum(fleet.ask(i -> "open " + fleet.shareOf(options.warmup, i)
                + " " + options.batch), "open");
        publisher.publish(20, 1, second -> { });
        fleet.askAll("stats true");
        return open;
    }

    private void scenario(Row row, Target target, ClientFleet fleet, RatePublisher publisher) {
        long receivers = row.warmup + row.opened;
        switch (options.scenario) {
            case "hold" -> row.phase = phase(row, target, fleet, publisher, options.rate, options.seconds, receivers, null);
            case "fanout" -> {
                for (double rate : options.rates) {
                    Phase p = phase(row, target, fleet, publisher, rate, options.seconds, receivers, null);
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
                row.paused = ClientFleet.sum(fleet.ask(i -> "open-slow " + fleet.shareOf(slow, i)
                        + " " + options.batch), "slow");
                out.printf("  %d more subscribers that stop reading once subscribed%n", row.paused);
                row.phase = phase(row, target, fleet, publisher, options.rate, options.seconds, receivers, null);
                row.end = target.sample();
                row.overflow = target.overflowCounters(row.transport);
            }
            case "storm" -> {
                int every = (int) Math.round(1 / options.stormFraction);
                Runnable storm = () -> {
                    long reconnected = ClientFleet.sum(fleet.askAll("reconnect " + every), "reconnected");
                    out.printf("  storm: %d subscribers reconnected with their last id%n", reconnected);
                };
                row.phase = phase(row, target, fleet, publisher, options.rate, options.seconds, receivers, storm);
            }
            case "soak" -> {
                row.phase = phase(row, target, fleet, publisher, options.rate, options.seconds, receivers, null);
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
    private Phase phase(Row row, Target target, ClientFleet fleet, RatePublisher publisher, double rate,
                        double seconds, long receivers, Runnable midway) {
        fleet.askAll("stats true");
        List<Double> nodeCpu0 = target instanceof MultiNodeTarget multi ? multi.nodeCpuSeconds() : null;
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
        if (nodeCpu0 != null) {
            List<Double> nodeCpu1 = ((MultiNodeTarget) target).nodeCpuSeconds();
            List<String> perNode = new ArrayList<>();
            for (int i = 0; i < nodeCpu1.size(); i++) {
                perNode.add(String.format(Locale.ROOT, "%.2f", nodeCpu1.get(i) - nodeCpu0.get(i)));
            }
            String line = String.format(Locale.ROOT, "%.1f/s: %s", rate, String.join(" ", perNode));
            row.nodeCpu.add(line);
            out.println("    CPU s per node at " + line);
        }
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
                   String heartbeat, int nchanWorkers, String token, long pid, Path out, Map<String, Path> wars,
                   List<String> subscribeTo, List<String> publishTo) {

        static Options parse(String... args) {
            Map<String, String> given = new LinkedHashMap<>();
            List<String> warOptions = new ArrayList<>();
            for (Map.Entry<String, String> pair : BenchArguments.pairs(args)) {
                if (pair.getKey().equals("war")) {
                    warOptions.add(pair.getValue()); // the one option that may repeat: one label each
                } else {
                    given.put(pair.getKey(), pair.getValue());
                }
            }
            String scenario = given.getOrDefault("scenario", "hold");
            double defaultSeconds = switch (scenario) {
                case "soak" -> 600;
                case "fanout" -> 15;
                default -> 20;
            };
            Options options = new Options(scenario,
                    BenchArguments.list(given.getOrDefault("targets", "payara:servlet")),
                    BenchArguments.list(given.getOrDefault("transports", "sse,ws")),
                    BenchArguments.list(given.getOrDefault("connections", "1000")).stream().map(Integer::parseInt).toList(),
                    Double.parseDouble(given.getOrDefault("rate", scenario.equals("slow") ? "20" : "2")),
                    BenchArguments.list(given.getOrDefault("rates", "1,2,5,10,20,50,100")).stream().map(Double::parseDouble).toList(),
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
                    wars(warOptions),
                    BenchArguments.list(given.getOrDefault("subscribe-to", "all")),
                    BenchArguments.list(given.getOrDefault("publish-to", "first")));
            List<String> known = List.of("scenario", "targets", "transports", "connections", "rate", "rates", "seconds",
                    "p99-limit-ms", "payload-bytes", "slow-fraction", "storm-fraction", "batch", "warmup", "xmx",
                    "heartbeat", "nchan-workers", "token", "pid", "out", "war", "subscribe-to", "publish-to");
            for (String name : given.keySet()) {
                if (!known.contains(name)) {
                    throw new IllegalArgumentException("unknown option --" + name + "; known: " + known);
                }
            }
            if (!List.of("hold", "fanout", "slow", "storm", "soak").contains(scenario)) {
                throw new IllegalArgumentException("--scenario: hold, fanout, slow, storm or soak, not " + scenario);
            }
            for (String subscribeTo : options.subscribeTo) {
                for (String publishTo : options.publishTo) {
                    Placement.of(subscribeTo, publishTo);
                }
            }
            for (String target : options.targets) {
                List<TargetSpec> nodes = TargetSpec.parseNodes(target);
                for (TargetSpec node : nodes) {
                    String variant = node.variant();
                    if (variant != null && !options.wars.containsKey(variant)) {
                        throw new IllegalArgumentException("target " + target + ": unknown WAR label '" + variant
                                + "'; name its file with --war " + variant + "=path/to/herald.war (labels given: "
                                + options.wars.keySet() + ")");
                    }
                }
                if (nodes.size() > 1) {
                    for (String subscribeTo : options.subscribeTo) {
                        for (String publishTo : options.publishTo) {
                            Placement.of(subscribeTo, publishTo).describe(nodes.size()); // N within the nodes
                        }
                    }
                }
            }
            if (options.targets.stream().noneMatch(t -> TargetSpec.nodesOf(t).size() > 1)
                    && (given.containsKey("subscribe-to") || given.containsKey("publish-to"))) {
                throw new IllegalArgumentException("--subscribe-to and --publish-to apply to targets of several"
                        + " nodes (node specs joined with +), and --targets names none");
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
                    + (wars.isEmpty() ? "" : ", wars=" + wars)
                    + (subscribeTo.equals(List.of("all")) && publishTo.equals(List.of("first")) ? ""
                    : ", subscribeTo=" + subscribeTo + ", publishTo=" + publishTo) + "]";
        }
    }
}
