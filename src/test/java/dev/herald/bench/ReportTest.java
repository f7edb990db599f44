package dev.herald.bench;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {
    private static final String HERALD = "Herald/Payara SSE servlet";
    private static final String NCHAN = "nginx+nchan WS";

    @TempDir
    Path dir;

    private LoadGenerator.Options options(String scenario) {
        return LoadGenerator.Options.parse("--scenario", scenario, "--out", dir.toString());
    }

    private static Target.Sample sample(long heapUsedKb, long heapCommittedKb, long pssKb) {
        return new Target.Sample(heapUsedKb, heapCommittedKb, pssKb, 12.5);
    }

    private static Phase phase(double rate, long delivered, double p99, double cpuSeconds) {
        return new Phase(rate, 20, 200, 0, 100, 20_000, delivered, 1, 2, 3, 4, 5, 40.25, 80.5, p99, 300.75,
                cpuSeconds);
    }

    /** Herald at N = 1000 and 2000 (heap + native), nchan at N = 1000 (native only, nothing delivered). */
    private static List<Row> rows(String scenario) {
        Row herald = new Row(scenario, HERALD, "payara:servlet", "sse", 1000);
        herald.opened = 1000;
        herald.processes = 1;
        herald.memory(sample(100_000, 200_000, 500_000), sample(150_000, 250_000, 700_000));
        herald.phase = phase(10, 20_000, 120.0, 2);
        Row bigger = new Row(scenario, HERALD, "payara:servlet", "sse", 2000);
        bigger.opened = 2000;
        bigger.memory(sample(100_000, 200_000, 500_000), sample(180_000, 250_000, 900_000));
        bigger.phase = phase(10, 19_990, 180.0, 3);
        Row nchan = new Row(scenario, NCHAN, "nchan", "ws", 1000);
        nchan.opened = 1000;
        nchan.memory(sample(-1, -1, 10_000), sample(-1, -1, 30_000));
        nchan.phase = phase(10, 0, 0, 0.5);
        return List.of(herald, bigger, nchan);
    }

    private static String line(String table, String label, int connections) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(label) + " +" + connections + " .*$").matcher(table);
        assertTrue(m.find(), "no row for " + label + " N=" + connections + " in\n" + table);
        return m.group();
    }

    @Test
    void tableHasARowPerRunWithItsNumbers() {
        String table = Report.table(options("hold"), rows("hold"));
        String herald = line(table, HERALD, 1000);
        // opened, heap, native, sum, total MB, CPU s per 1000, p50, p95, p99, max, delivered/expected
        for (String cell : List.of(" 1000 ", " 50.00 ", " 150.00 ", " 200.00 ", " 195.3 ", " 0.1000 ", " 40.3 ",
                " 80.5 ", " 120.0 ", " 300.8 ", " 20000/20000")) {
            assertTrue(herald.contains(cell), "'" + cell + "' not in: " + herald);
        }
        String bigger = line(table, HERALD, 2000);
        assertTrue(bigger.contains(" 40.00 ") && bigger.contains(" 175.00 ") && bigger.contains(" 19990/20000"),
                bigger);
        String nchan = line(table, NCHAN, 1000);
        assertTrue(nchan.contains(" 0.00 ") && nchan.contains(" 20.00 "), "no heap, 20 KB native: " + nchan);
        assertTrue(nchan.contains(" NaN "), "CPU per 1000 with nothing delivered: " + nchan);
        assertEquals(3 + 3, table.lines().count(), "title, header, rule and one line per row");
    }

    @Test
    void tableShowsTheScenarioColumn() {
        List<Row> rows = rows("fanout");
        Row herald = rows.get(0);
        herald.sweep.add(phase(1, 20_000, 100, 1));   // 1 000 deliveries/s
        herald.sweep.add(phase(5, 19_990, 240, 1));   // 999.5/s
        herald.sweep.add(phase(10, 20_000, 260, 1));  // past the p99 limit
        String table = Report.table(options("fanout"), rows);
        assertTrue(table.contains("max deliveries/s within SLO"), table);
        assertTrue(line(table, HERALD, 1000).endsWith(" 1,000"), line(table, HERALD, 1000));

        List<Row> soak = rows("soak");
        soak.get(0).end = sample(151_250, 250_000, 710_000);
        String soakTable = Report.table(options("soak"), soak);
        assertTrue(line(soakTable, HERALD, 1000).endsWith("150,000 -> 151,250 KB"), soakTable);
    }

    @Test
    void summaryNamesTheRow() {
        String summary = Report.summary(options("hold"), rows("hold").get(0));
        assertEquals(HERALD + " N=1000: 200.00 KB/conn (heap 50.00, native 150.00), p99 120.0 ms, delivered 20000/20000",
                summary);
    }

    private JsonObject readJson(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             JsonReader json = Json.createReader(reader)) {
            return json.readObject();
        }
    }

    @Test
    void jsonHasEveryRowAndItsPhase() throws IOException {
        Path file = dir.resolve("results.json");
        Report.writeJson(options("hold"), rows("hold"), file);
        JsonObject document = readJson(file);
        assertTrue(document.containsKey("time") && document.containsKey("java") && document.containsKey("options"));
        JsonArray results = document.getJsonArray("results");
        assertEquals(3, results.size());

        JsonObject herald = results.getJsonObject(0);
        assertEquals(HERALD, herald.getString("label"));
        assertEquals("sse", herald.getString("transport"));
        assertEquals(1000, herald.getInt("connections"));
        assertEquals(50.0, herald.getJsonNumber("heapKbPerConnection").doubleValue(), 1e-9);
        assertEquals(150.0, herald.getJsonNumber("nativeKbPerConnection").doubleValue(), 1e-9);
        assertEquals(500_000, herald.getJsonObject("baseline").getInt("pssKb"));
        assertEquals(250_000, herald.getJsonObject("loaded").getInt("heapCommittedKb"));
        assertFalse(herald.containsKey("sweep"), "only fanout sweeps");

        JsonObject phase = herald.getJsonObject("phase");
        assertEquals(10.0, phase.getJsonNumber("rate").doubleValue());
        assertEquals(20_000, phase.getJsonNumber("expected").longValue());
        assertEquals(20_000, phase.getJsonNumber("delivered").longValue());
        assertEquals(1.0, phase.getJsonNumber("deliveredRatio").doubleValue());
        assertEquals(1, phase.getInt("gaps"));
        assertEquals(2, phase.getInt("duplicates"));
        assertEquals(3, phase.getInt("resets"));
        assertEquals(4, phase.getInt("droppedSignals"));
        assertEquals(5, phase.getInt("reconnected"));
        assertEquals(40.25, phase.getJsonNumber("p50Ms").doubleValue());
        assertEquals(80.5, phase.getJsonNumber("p95Ms").doubleValue());
        assertEquals(120.0, phase.getJsonNumber("p99Ms").doubleValue());
        assertEquals(300.75, phase.getJsonNumber("maxMs").doubleValue());
        assertEquals(1000.0, phase.getJsonNumber("deliveriesPerSecond").doubleValue());
        assertEquals(0.1, phase.getJsonNumber("cpuSecondsPer1000").doubleValue(), 1e-12);

        // JSON has no NaN: nothing delivered is written as -1
        JsonObject nchan = results.getJsonObject(2).getJsonObject("phase");
        assertEquals(-1.0, nchan.getJsonNumber("cpuSecondsPer1000").doubleValue());
        assertEquals(0.0, results.getJsonObject(2).getJsonNumber("heapKbPerConnection").doubleValue());
    }

    @Test
    void jsonOfAFanoutHasTheSweepAndItsBest() throws IOException {
        List<Row> rows = rows("fanout");
        rows.get(0).sweep.add(phase(1, 20_000, 100, 1));
        rows.get(0).sweep.add(phase(10, 20_000, 260, 1));
        Path file = dir.resolve("results.json");
        Report.writeJson(options("fanout"), rows, file);
        JsonObject herald = readJson(file).getJsonArray("results").getJsonObject(0);
        assertEquals(2, herald.getJsonArray("sweep").size());
        assertEquals(260.0, herald.getJsonArray("sweep").getJsonObject(1).getJsonNumber("p99Ms").doubleValue());
        assertEquals(1000.0, herald.getJsonNumber("maxSustainedDeliveriesPerSecond").doubleValue());
    }

    @Test
    void jsonOfASlowRunHasTheServerCounters() throws IOException {
        List<Row> rows = rows("slow");
        rows.get(0).paused = 10;
        rows.get(0).overflow = "dropped=5 closed=2";
        rows.get(0).end = sample(160_000, 250_000, 720_000);
        Path file = dir.resolve("results.json");
        Report.writeJson(options("slow"), rows, file);
        JsonObject herald = readJson(file).getJsonArray("results").getJsonObject(0);
        assertEquals(10, herald.getInt("paused"));
        assertEquals("dropped=5 closed=2", herald.getString("serverOverflowCounters"));
        assertEquals(10_000, herald.getInt("heapGrowthKb"));
    }

    @Test
    void htmlIsASelfContainedPageWithOneSvgPerChart() throws IOException {
        Path file = dir.resolve("report.html");
        List<Row> rows = rows("hold");
        Report.writeHtml(options("hold"), rows, file);
        String html = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(html.startsWith("<!doctype html>"), html.substring(0, 40));
        assertTrue(html.trim().endsWith("</html>"));

        int charts = count(html, "<h2>");
        assertEquals(3, charts, "memory, p99 and p50");
        assertEquals(charts, count(html, "<svg "));
        assertEquals(charts, count(html, "</svg>"));
        // one line per series in every chart, one point per row
        assertEquals(2 * charts, count(html, "<polyline "));
        assertEquals(rows.size() * charts, count(html, "<circle "));

        // opened from a file or an e-mail without network: nothing may be fetched
        String svgNamespace = "xmlns=\"http://www.w3.org/2000/svg\"";
        assertEquals(charts, count(html, svgNamespace));
        String rest = html.replace(svgNamespace, "");
        for (String reference : List.of("http", "src=", "href=", "url(", "@import", "<script", "<link")) {
            assertFalse(rest.contains(reference), reference + " in the page");
        }
        assertTrue(html.contains("<pre>"), "the table goes with the charts");
    }

    @Test
    void htmlEscapesLabels() throws IOException {
        Row row = new Row("hold", "a <b> & \"c\"", "x", "sse", 10);
        row.opened = 10;
        row.memory(sample(0, 0, 0), sample(10, 0, 10));
        Path file = dir.resolve("report.html");
        Report.writeHtml(options("hold"), List.of(row), file);
        String html = Files.readString(file, StandardCharsets.UTF_8);
        assertFalse(html.contains("<b>"), "a label is text, not markup");
        assertTrue(html.contains("a &lt;b&gt; &amp; &quot;c&quot;"));
    }

    private static final String BEFORE = "Herald/Payara SSE servlet @before";

    /** A row of a target with its measured memory and a phase, as the generator fills them. */
    private static Row row(String label, String target, String transport, int n, double p99, double cpuSeconds) {
        Row row = new Row("hold", label, target, transport, n);
        row.opened = n;
        row.memory(sample(100_000, 200_000, 500_000), sample(150_000, 250_000, 700_000));
        row.phase = phase(2, 20_000, p99, cpuSeconds);
        return row;
    }

    /** After and before, in the order a run that named them apart (or another server between) would end. */
    private static List<Row> beforeAfterRows() {
        Row after1000 = row(HERALD, "payara:servlet", "sse", 1000, 120, 2);
        Row after2000 = row(HERALD, "payara:servlet", "sse", 2000, 150, 2.5);
        Row nchan = row(NCHAN, "nchan", "ws", 1000, 50, 0.5);
        Row before1000 = row(BEFORE, "payara:servlet@before", "sse", 1000, 240, 4);
        before1000.war = "/tmp/herald-before.war";
        before1000.warRevision = "138f5a5762177b010b7eeeeaf1a8bc79afad5248";
        Row before2000 = row(BEFORE, "payara:servlet@before", "sse", 2000, 300, 5);
        return List.of(after1000, after2000, nchan, before1000, before2000);
    }

    @Test
    void variantRowsStandNextToTheNormalOnesWithTheirOwnLabel() {
        String table = Report.table(options("hold"), beforeAfterRows());
        List<String> labels = table.lines().skip(3).map(l -> l.replaceAll(" +\\d.*$", "")).toList();
        assertEquals(List.of(HERALD, BEFORE, HERALD, BEFORE, NCHAN), labels, table);
        List<String> n = table.lines().skip(3).map(l -> l.substring(BEFORE.length()).trim().split(" +")[0]).toList();
        assertEquals(List.of("1000", "1000", "2000", "2000", "1000"), n, table);

        // CPU s per 1000 deliveries (4 s / 20 000 deliveries) and p99, the columns a before/after compares
        String before = line(table, BEFORE, 1000);
        assertTrue(before.contains(" 0.2000 ") && before.contains(" 240.0 "), before);
        assertTrue(table.lines().skip(1).findFirst().orElseThrow().contains("CPU s/1k"), table);
        assertTrue(table.lines().skip(1).findFirst().orElseThrow().contains("p99 ms"), table);
    }

    @Test
    void longLabelsWidenTheFirstColumn() {
        String label = "Herald/WildFly SSE servlet @before-2026-11-23";
        String table = Report.table(options("hold"), List.of(row(label, "wildfly:servlet@before-2026-11-23",
                "sse", 1000, 100, 1), row(HERALD, "payara:servlet", "sse", 1000, 100, 1)));
        String[] lines = table.split("\n");
        assertTrue(lines[3].startsWith(label + " "), lines[3]);
        // the N column lines up
        assertEquals(lines[3].indexOf(" 1000 "), lines[4].indexOf(" 1000 "), table);
        assertEquals(lines[1].indexOf(" N ") + 1, lines[4].indexOf(" 1000 ") + 4, "N right-aligned:\n" + table);
    }

    @Test
    void jsonNamesTheVariantAndItsWar() throws IOException {
        Path file = dir.resolve("results.json");
        Report.writeJson(options("hold"), beforeAfterRows(), file);
        JsonArray results = readJson(file).getJsonArray("results");

        JsonObject after = results.getJsonObject(0);
        assertEquals("payara:servlet", after.getString("target"));
        assertFalse(after.containsKey("variant") || after.containsKey("war"), after.toString());

        JsonObject before = results.getJsonObject(3);
        assertEquals(BEFORE, before.getString("label"));
        assertEquals("payara:servlet@before", before.getString("target"));
        assertEquals("before", before.getString("variant"));
        assertEquals("/tmp/herald-before.war", before.getString("war"));
        assertEquals("138f5a5762177b010b7eeeeaf1a8bc79afad5248", before.getString("warRevision"));
        assertFalse(results.getJsonObject(4).containsKey("warRevision"), "no .rev file, no revision");
    }

    @Test
    void htmlHasASeriesPerVariantNextToEachOther() throws IOException {
        Path file = dir.resolve("report.html");
        Report.writeHtml(options("hold"), beforeAfterRows(), file);
        String html = Files.readString(file, StandardCharsets.UTF_8);
        assertEquals(3 * 3, count(html, "<polyline "), "after, before and nchan in each of the three charts");
        String firstChart = html.substring(0, html.indexOf("</svg>"));
        int after = firstChart.indexOf(">" + HERALD + "</text>");
        int before = firstChart.indexOf(">" + BEFORE + "</text>");
        int nchan = firstChart.indexOf(">" + NCHAN + "</text>");
        assertTrue(after > 0 && after < before && before < nchan, "legend: after, before, then nchan");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            n++;
        }
        return n;
    }
}
