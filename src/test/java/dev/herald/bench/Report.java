package dev.herald.bench;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonWriter;
import jakarta.json.JsonWriterFactory;
import jakarta.json.stream.JsonGenerator;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The load generator's output: the side-by-side table, results.json and a self-contained HTML chart. */
final class Report {
    private Report() {
    }

    static String summary(LoadGenerator.Options options, Row row) {
        Phase p = row.phase;
        return String.format(Locale.ROOT, "%s N=%d: %.2f KB/conn (heap %.2f, native %.2f), p99 %s ms, delivered %s%s",
                row.label, row.connections, row.sumKb(), row.heapKb, row.nativeKb,
                p == null ? "-" : String.format(Locale.ROOT, "%.1f", p.p99()),
                p == null ? "-" : p.delivered() + "/" + p.expected(), extra(options, row).isEmpty() ? ""
                        : ", " + extra(options, row));
    }

    /**
     * The rows in run order, except that the WAR variants of one server, transport and N
     * (payara:servlet, payara:servlet@before) stand next to each other, in the order --targets names them.
     */
    static List<Row> sideBySide(List<Row> rows) {
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        for (Row row : rows) {
            groups.computeIfAbsent(row.server() + " " + row.transport + " " + row.connections, k -> new ArrayList<>())
                    .add(row);
        }
        return groups.values().stream().flatMap(List::stream).toList();
    }

    /**
     * Rows SSE and WebSocket (per server and N; WAR variants side by side); columns as the issue asks, plus
     * the scenario's own. CPU s/1k is the server's CPU seconds per 1 000 deliveries.
     */
    static String table(LoadGenerator.Options options, List<Row> rows) {
        StringBuilder out = new StringBuilder();
        int width = Math.max(28, rows.stream().mapToInt(r -> r.label.length()).max().orElse(0));
        String header = String.format(Locale.ROOT, "%-" + width + "s %7s %7s %8s %8s %8s %9s %9s %8s %8s %8s %8s %17s  %s",
                "server / transport", "N", "open", "heap KB", "nativeKB", "sum KB", "total MB", "CPU s/1k",
                "p50 ms", "p95 ms", "p99 ms", "max ms", "delivered/expect", scenarioColumn(options.scenario()));
        out.append("scenario ").append(options.scenario()).append(", memory per connection = live heap after full GC")
                .append(" + native (PSS) growth, per held connection\n");
        out.append(header).append('\n').append("-".repeat(header.length())).append('\n');
        for (Row row : sideBySide(rows)) {
            Phase p = row.phase;
            out.append(String.format(Locale.ROOT, "%-" + width + "s %7d %7d %8.2f %8.2f %8.2f %9.1f %9s %8s %8s %8s %8s %17s  %s%n",
                    row.label, row.connections, row.opened, row.heapKb, row.nativeKb, row.sumKb(), row.totalMb(),
                    p == null ? "-" : String.format(Locale.ROOT, "%.4f", p.cpuPerThousand()),
                    ms(p == null ? null : p.p50()), ms(p == null ? null : p.p95()), ms(p == null ? null : p.p99()),
                    ms(p == null ? null : p.max()), p == null ? "-" : p.delivered() + "/" + p.expected(),
                    extra(options, row)));
        }
        return out.toString();
    }

    private static String ms(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String scenarioColumn(String scenario) {
        return switch (scenario) {
            case "fanout" -> "max deliveries/s within SLO";
            case "slow" -> "slow clients, heap growth, server counters";
            case "storm" -> "reconnected, gaps, resets";
            case "soak" -> "live heap after GC start -> end";
            default -> "errors";
        };
    }

    private static String extra(LoadGenerator.Options options, Row row) {
        Phase p = row.phase;
        String errors = row.failed + row.lost == 0 ? "" : "failed " + row.failed + ", lost " + row.lost;
        String problems = row.problems.isEmpty() ? "" : " " + row.problems;
        return switch (options.scenario()) {
            case "fanout" -> String.format(Locale.ROOT, "%,.0f", row.maxSustainedDeliveriesPerSecond(options.p99LimitMillis()))
                    + (errors.isEmpty() ? "" : "; " + errors) + problems;
            case "slow" -> String.format(Locale.ROOT, "%d slow, heap %+,d KB, %s", row.paused, row.heapGrowthKb(),
                    row.overflow) + problems;
            case "storm" -> p == null ? errors : String.format(Locale.ROOT, "%d reconnected, %d gaps, %d resets",
                    p.reconnected(), p.gaps(), p.resets()) + problems;
            case "soak" -> row.end == null ? errors : String.format(Locale.ROOT, "%,d -> %,d KB",
                    row.loaded.heapUsedKb(), row.end.heapUsedKb()) + problems;
            default -> errors + problems;
        };
    }

    static void writeJson(LoadGenerator.Options options, List<Row> rows, Path file) throws IOException {
        JsonArrayBuilder results = Json.createArrayBuilder();
        for (Row row : rows) {
            results.add(json(options, row));
        }
        JsonObjectBuilder document = Json.createObjectBuilder()
                .add("time", Instant.now().toString())
                .add("options", options.toString())
                .add("java", System.getProperty("java.version"))
                .add("cores", Runtime.getRuntime().availableProcessors())
                .add("results", results);
        JsonWriterFactory writers = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             JsonWriter json = writers.createWriter(writer)) {
            json.writeObject(document.build());
        }
    }

    private static JsonObjectBuilder json(LoadGenerator.Options options, Row row) {
        JsonObjectBuilder json = Json.createObjectBuilder()
                .add("scenario", row.scenario).add("label", row.label).add("target", row.target)
                .add("transport", row.transport).add("connections", row.connections).add("processes", row.processes)
                .add("warmupConnections", row.warmup).add("opened", row.opened).add("failed", row.failed).add("failures", row.failures)
                .add("lost", row.lost).add("serverGauge", row.gauge).add("serverGaugeAfterClose", row.gaugeAfterClose)
                .add("openSeconds", row.openSeconds)
                .add("heapKbPerConnection", row.heapKb).add("nativeKbPerConnection", row.nativeKb)
                .add("sumKbPerConnection", row.sumKb()).add("totalMb", row.totalMb())
                .add("problems", row.problems);
        if (row.variant() != null) {
            json.add("variant", row.variant());
        }
        if (row.war != null) {
            json.add("war", row.war);
        }
        if (row.warRevision != null) {
            json.add("warRevision", row.warRevision);
        }
        json.add("nodes", row.nodes);
        if (row.placement != null) {
            json.add("placement", row.placement);
            JsonArrayBuilder gauges = Json.createArrayBuilder();
            row.nodeGauges.forEach(gauges::add);
            JsonArrayBuilder cpu = Json.createArrayBuilder();
            row.nodeCpu.forEach(cpu::add);
            json.add("serverGaugePerNode", gauges).add("cpuSecondsPerNodeByPhase", cpu);
        }
        if (!row.publishesPerNode.isEmpty()) {
            JsonArrayBuilder publishes = Json.createArrayBuilder();
            row.publishesPerNode.forEach(publishes::add);
            json.add("publishesPerNode", publishes);
        }
        if (row.base != null) {
            json.add("baseline", sample(row.base)).add("loaded", sample(row.loaded));
        }
        if (row.end != null) {
            json.add("end", sample(row.end)).add("heapGrowthKb", row.heapGrowthKb());
        }
        if (row.phase != null) {
            json.add("phase", phase(row.phase));
        }
        if (!row.sweep.isEmpty()) {
            JsonArrayBuilder sweep = Json.createArrayBuilder();
            row.sweep.forEach(p -> sweep.add(phase(p)));
            json.add("sweep", sweep).add("maxSustainedDeliveriesPerSecond",
                    row.maxSustainedDeliveriesPerSecond(options.p99LimitMillis()));
        }
        if (row.scenario.equals("slow")) {
            json.add("paused", row.paused).add("serverOverflowCounters", row.overflow);
        }
        return json;
    }

    private static JsonObjectBuilder sample(Target.Sample s) {
        return Json.createObjectBuilder().add("heapUsedKb", s.heapUsedKb()).add("heapCommittedKb", s.heapCommittedKb())
                .add("pssKb", s.pssKb()).add("cpuSeconds", s.cpuSeconds());
    }

    private static JsonObjectBuilder phase(Phase p) {
        return Json.createObjectBuilder().add("rate", p.rate()).add("seconds", p.seconds()).add("published", p.published())
                .add("refused", p.refused()).add("receivers", p.receivers()).add("expected", p.expected())
                .add("delivered", p.delivered()).add("deliveredRatio", p.deliveredRatio()).add("gaps", p.gaps())
                .add("duplicates", p.duplicates()).add("resets", p.resets()).add("droppedSignals", p.droppedSignals())
                .add("reconnected", p.reconnected()).add("p50Ms", p.p50()).add("p95Ms", p.p95()).add("p99Ms", p.p99())
                .add("maxMs", p.max()).add("deliveriesPerSecond", p.deliveriesPerSecond())
                .add("cpuSeconds", p.cpuSeconds()).add("cpuSecondsPer1000", Double.isNaN(p.cpuPerThousand()) ? -1
                        : p.cpuPerThousand());
    }

    /**
     * SVG line charts against N, one series per server/transport (and WAR variant, next to each other in the
     * legend): memory per connection, p99 and p50 latency; then the table.
     */
    static void writeHtml(LoadGenerator.Options options, List<Row> rows, Path file) throws IOException {
        Map<String, List<Row>> series = new LinkedHashMap<>();
        for (Row row : sideBySide(rows)) {
            series.computeIfAbsent(row.label, k -> new ArrayList<>()).add(row);
        }
        StringBuilder html = new StringBuilder();
        html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Herald load generator, ")
                .append(escape(options.scenario())).append("</title><style>body{font:14px sans-serif;margin:2em}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
                .append("th:first-child,td:first-child{text-align:left}</style></head><body>")
                .append("<h1>Herald load generator: ").append(escape(options.scenario())).append("</h1>")
                .append("<p>").append(escape(Instant.now().toString())).append(", Java ")
                .append(escape(System.getProperty("java.version"))).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores. Memory per connection = live heap ")
                .append("after a full GC + native (PSS) growth, per held connection.</p>");
        html.append(chart("Memory per connection (KB)", series, Row::sumKb));
        html.append(chart("p99 delivery latency (ms)", series, r -> r.phase == null ? 0 : r.phase.p99()));
        html.append(chart("p50 delivery latency (ms)", series, r -> r.phase == null ? 0 : r.phase.p50()));
        html.append("<pre>").append(escape(table(options, rows))).append("</pre></body></html>\n");
        Files.writeString(file, html.toString());
    }

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
        "#17becf"};

    private static String chart(String title, Map<String, List<Row>> series, java.util.function.ToDoubleFunction<Row> y) {
        int width = 640;
        int height = 320;
        int left = 60;
        int bottom = 40;
        int top = 30;
        int right = 220;
        double maxX = 1;
        double maxY = 0;
        for (List<Row> rows : series.values()) {
            for (Row row : rows) {
                maxX = Math.max(maxX, row.connections);
                maxY = Math.max(maxY, y.applyAsDouble(row));
            }
        }
        maxY = maxY <= 0 ? 1 : maxY * 1.1;
        double plotW = width - left - right;
        double plotH = height - top - bottom;
        StringBuilder svg = new StringBuilder();
        svg.append("<h2>").append(escape(title)).append("</h2><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(width).append("\" height=\"").append(height).append("\">");
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>", left,
                height - bottom, width - right, height - bottom));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>", left, top,
                left, height - bottom));
        for (int i = 0; i <= 4; i++) {
            double value = maxY * i / 4;
            double py = height - bottom - plotH * i / 4;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.1f</text>",
                    left - 5, py + 4, value));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">connections (N)</text>",
                left + plotW / 2, height - 5));
        int index = 0;
        for (Map.Entry<String, List<Row>> entry : series.entrySet()) {
            String colour = COLOURS[index % COLOURS.length];
            StringBuilder points = new StringBuilder();
            for (Row row : entry.getValue()) {
                double px = left + plotW * row.connections / maxX;
                double py = height - bottom - plotH * y.applyAsDouble(row) / maxY;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s N=%d: %.2f</title></circle>",
                        px, py, colour, escape(entry.getKey()), row.connections, y.applyAsDouble(row)));
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%d</text>",
                        px, height - bottom + 14, row.connections));
            }
            svg.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\" points=\"")
                    .append(points.toString().trim()).append("\"/>");
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"%s\">%s</text>",
                    width - right + 10, top + 16 * index, colour, escape(entry.getKey())));
            index++;
        }
        return svg.append("</svg>").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
