package dev.herald.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.function.Executable;
import org.yaml.snakeyaml.Yaml;

import java.net.URL;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The observability artifacts against the real thing. promtool accepts prometheus/prometheus.yml, the rules and
 * their unit tests; then a real Prometheus scrapes a real Herald under a small real load (SSE and WebSocket
 * subscribers, publishes, a stalled client that causes drops, rejected publishes, an exact resume and a reset),
 * and every rule expression and every Grafana panel and variable query is evaluated through Prometheus' HTTP
 * API: it must evaluate, read only metrics the gateway exports at /metrics (or the rules record), and - for
 * dashboards - return data unless prometheus/dashboard-exceptions.txt says why it may not. The Grafana-managed
 * alerts' queries (grafana/provisioning/alerting) are evaluated like the rules.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilityIT {
    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return HeraldDeployment.common("servlet");
    }

    /** Failsafe runs in the project's base directory. */
    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final Path PROMETHEUS_DIR = REPO.resolve("prometheus");
    private static final Path CONFIG = PROMETHEUS_DIR.resolve("prometheus.yml");
    private static final Path DASHBOARDS = REPO.resolve("grafana/dashboards");
    private static final Path PROVISIONING = REPO.resolve("grafana/provisioning");
    private static final Path ALERTING = PROVISIONING.resolve("alerting");
    private static final Path EXCEPTIONS = PROMETHEUS_DIR.resolve("dashboard-exceptions.txt");
    private static final Path TARGET = REPO.resolve("target");

    /** Every metric name of the observability contract (DESIGN.md, as exported by MicroProfile Metrics 5). */
    static final List<String> CONTRACT = List.of(
            "herald_connections", "herald_connections_opened_total", "herald_connections_closed_total",
            "herald_events_published_total", "herald_events_delivered_total", "herald_events_dropped_total",
            "herald_queue_depth_bucket", "herald_queue_depth_sum", "herald_queue_depth_count",
            "herald_queue_max_events",
            "herald_delivery_latency_seconds_bucket", "herald_delivery_latency_seconds_sum",
            "herald_delivery_latency_seconds_count",
            "herald_resumes_total", "herald_requests_rejected_total",
            "herald_topics", "herald_history_events", "herald_history_bytes", "herald_backplane_up",
            "herald_backplane_lag_seconds", "herald_draining",
            "process_open_fds", "process_max_fds", "process_cpu_seconds_total", "process_start_time_seconds",
            "jvm_memory_used_bytes", "jvm_memory_max_bytes", "jvm_memory_committed_bytes",
            "jvm_gc_collection_seconds_total",
            "jvm_gc_collections_total", "jvm_threads_current", "jvm_available_processors");

    /** The only labels a herald_* series may carry, and their fixed values (no topic names, no client ids). */
    private static final Map<String, Set<String>> LABEL_VALUES = Map.of(
            "transport", Set.of("sse", "ws"),
            "outcome", Set.of("exact", "reset"),
            "endpoint", Set.of("publish", "sse", "ws", "operator"));
    private static final Set<String> ALLOWED_LABELS = Set.of("__name__", "job", "instance", "mp_scope", "transport",
            "reason", "outcome", "endpoint", "partition", "le", "quantile");

    /**
     * Series Prometheus writes itself (never in /metrics): the scrape's up and the alerts' state. An expression
     * reading only these must select the herald job or Herald's alerts.
     */
    private static final Set<String> PROMETHEUS_SERIES = Set.of("up", "ALERTS", "ALERTS_FOR_STATE");

    /** Grafana's built-in variables, as a 1 s scrape interval and a 5 minute dashboard range make them. */
    private static final Map<String, String> GRAFANA_MACROS = Map.of(
            "__rate_interval", "1m", "__interval", "15s", "__interval_ms", "15000",
            "__range", "5m", "__range_s", "300", "__range_ms", "300000");

    private static final String DATASOURCE_TYPE = "prometheus";
    private static final String DATASOURCE_UID = "prometheus";
    private static final Set<String> PANEL_TYPES = Set.of("timeseries", "stat", "gauge");

    private static final Duration SCRAPE_DEADLINE = Duration.ofSeconds(60);
    private static final String PAD = "x".repeat(48 * 1024);
    /**
     * ~12 MB per stalled client: more than the kernel's loopback socket buffers (up to 4 MB), Grizzly's 256 KiB
     * and the queue bound hold together, so most of it is dropped.
     */
    private static final int STALLED_EVENTS = 250;
    private static final int EVENTS = 100;

    // the fixture: Herald under load, scraped by Prometheus (started by the first test that needs it)
    private RuntimeException fixtureFailure;
    private boolean fixtureStarted;
    private HeraldServer server;
    private Publisher publisher;
    private PrometheusServer prometheus;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private ScheduledExecutorService ticker;
    private final AtomicReference<Throwable> tickerFailure = new AtomicReference<>();
    private final AtomicInteger ticks = new AtomicInteger();
    private Map<String, Double> connectionsBefore = Map.of();
    private final Set<String> topics = new TreeSet<>();
    /** /metrics as the gateway exported it once Prometheus had scraped the load. */
    private String metricsText;
    private Set<String> exported;
    /** Recording rules as Prometheus loaded them: name -> expression. */
    private final Map<String, String> recorded = new TreeMap<>();
    private JsonArray ruleGroups;

    // ---------------------------------------------------------------------------------------------- promtool

    @Test
    @Order(1)
    void promtoolAcceptsTheConfig() {
        promtool("check", "config", CONFIG.toString());
    }

    @Test
    @Order(2)
    void promtoolAcceptsTheRules() {
        List<String> command = new ArrayList<>(List.of("check", "rules"));
        ruleFiles().forEach(file -> command.add(file.toString()));
        promtool(command.toArray(String[]::new));
    }

    @Test
    @Order(3)
    void promtoolRuleUnitTestsPass() {
        List<Path> tests = files(PROMETHEUS_DIR.resolve("tests"), ".yml");
        assertFalse(tests.isEmpty(), "no promtool tests in prometheus/tests");
        List<String> command = new ArrayList<>(List.of("test", "rules"));
        tests.forEach(file -> command.add(file.toString()));
        promtool(command.toArray(String[]::new));
    }

    @Test
    @Order(4)
    void everyAlertHasUnitTestsSeverityAndRunbookText() throws IOException {
        String tests = String.join("\n", readAll(files(PROMETHEUS_DIR.resolve("tests"), ".yml")));
        Matcher alert = Pattern.compile("(?m)^\\s*- alert: (\\S+)$").matcher(String.join("\n", readAll(ruleFiles())));
        List<Executable> checks = new ArrayList<>();
        int count = 0;
        while (alert.find()) {
            count++;
            String name = alert.group(1);
            // promtool's exp_alerts lists the alerts that fire; an empty list is a case where it stays quiet
            Matcher cases = Pattern.compile("alertname: " + Pattern.quote(name) + "\\n\\s*exp_alerts:( \\[\\])?")
                    .matcher(tests);
            int firing = 0;
            int quiet = 0;
            while (cases.find()) {
                if (cases.group(1) == null) {
                    firing++;
                } else {
                    quiet++;
                }
            }
            int fired = firing;
            int stayedQuiet = quiet;
            checks.add(() -> assertTrue(fired > 0 && stayedQuiet > 0, name + " needs a promtool case where it fires ("
                    + fired + ") and one where it stays quiet (" + stayedQuiet + ")"));
        }
        assertTrue(count > 0, "no alerts found in prometheus/rules");
        for (String text : readAll(ruleFiles())) {
            String[] blocks = text.split("\\n\\s*- alert: ");
            for (int i = 1; i < blocks.length; i++) {
                String block = blocks[i];
                String name = block.lines().findFirst().orElse("").trim();
                checks.add(() -> assertTrue(block.matches("(?s).*\\n\\s*severity: (page|ticket)\\n.*"),
                        name + ": severity label page or ticket"));
                checks.add(() -> assertTrue(block.contains("summary: "), name + ": summary annotation"));
                checks.add(() -> assertTrue(block.matches("(?s).*description: \\|\\n.*What to do: .*"),
                        name + ": description with runbook text ('What to do: ...')"));
            }
        }
        assertAll(checks);
    }

    // ---------------------------------------------------------------------------------------------- Grafana JSON

    @Test
    @Order(5)
    void dashboardsAreProvisionableGrafanaJson() throws IOException {
        List<Path> files = files(DASHBOARDS, ".json");
        assertEquals(Set.of("herald-overview.json", "herald-slos.json", "herald-sse-vs-ws.json"),
                files.stream().map(file -> file.getFileName().toString()).collect(TreeSet::new, Set::add, Set::addAll));
        Set<String> uids = new HashSet<>();
        List<Executable> checks = new ArrayList<>();
        for (Path file : files) {
            String text = Files.readString(file);
            String name = file.getFileName().toString();
            JsonObject dashboard = Json.createReader(new StringReader(text)).readObject();
            checks.add(() -> assertFalse(text.contains("${DS") || text.contains("DS_PROMETHEUS")
                    || dashboard.containsKey("__inputs"), name + ": datasource must be the provisioned uid, not an import input"));
            checks.add(() -> assertTrue(uids.add(dashboard.getString("uid", "")) && !dashboard.getString("uid", "").isBlank(),
                    name + ": unique uid"));
            int schema = dashboard.getInt("schemaVersion", 0);
            checks.add(() -> assertTrue(schema >= 36 && schema <= 41, name + ": schemaVersion ~39, was " + schema));
            checks.add(() -> assertFalse(dashboard.getString("title", "").isBlank(), name + ": title"));
            Set<Integer> ids = new HashSet<>();
            for (JsonObject panel : panels(dashboard)) {
                String where = name + " panel '" + panel.getString("title", "?") + "'";
                String type = panel.getString("type", "");
                checks.add(() -> assertTrue(ids.add(panel.getInt("id", -1)), where + ": unique id"));
                JsonObject grid = panel.getJsonObject("gridPos");
                checks.add(() -> assertTrue(grid != null && grid.getInt("x") + grid.getInt("w") <= 24
                        && grid.getInt("h") > 0, where + ": gridPos within 24 columns"));
                if (type.equals("row")) {
                    continue;
                }
                checks.add(() -> assertTrue(PANEL_TYPES.contains(type), where + ": type " + type + " not in " + PANEL_TYPES));
                checks.add(() -> assertDatasource(panel.get("datasource"), where));
                JsonArray targets = panel.getJsonArray("targets");
                checks.add(() -> assertTrue(targets != null && !targets.isEmpty(), where + ": has queries"));
                Set<String> refIds = new HashSet<>();
                for (JsonObject target : targets == null ? List.<JsonObject>of() : targets.getValuesAs(JsonObject.class)) {
                    checks.add(() -> assertDatasource(target.get("datasource"), where + " target"));
                    checks.add(() -> assertTrue(refIds.add(target.getString("refId", "")), where + ": unique refId"));
                    checks.add(() -> assertFalse(target.getString("expr", "").isBlank(), where + ": expr"));
                }
            }
            for (JsonObject variable : variables(dashboard)) {
                checks.add(() -> assertDatasource(variable.get("datasource"), name + " variable " + variable.getString("name")));
            }
        }
        String datasources = Files.readString(PROVISIONING.resolve("datasources/herald.yml"));
        checks.add(() -> assertTrue(datasources.matches("(?s).*\\buid: " + DATASOURCE_UID + "\\n.*")
                && datasources.contains("type: " + DATASOURCE_TYPE), "provisioned datasource has uid " + DATASOURCE_UID));
        String providers = Files.readString(PROVISIONING.resolve("dashboards/herald.yml"));
        checks.add(() -> assertTrue(providers.contains("type: file") && providers.contains("path: "),
                "dashboard provider is a file provider"));
        assertAll(checks);
    }

    @Test
    @Order(6)
    void dashboardExceptionsAreFewExplainedAndStillUsed() throws IOException {
        Map<String, String> exceptions = exceptions();
        assertTrue(exceptions.size() <= 5, "keep prometheus/dashboard-exceptions.txt small: " + exceptions.keySet());
        Set<String> used = new HashSet<>();
        for (Path file : files(DASHBOARDS, ".json")) {
            for (Query query : queries(file)) {
                used.add(normalize(query.expr()));
            }
        }
        List<Executable> checks = new ArrayList<>();
        exceptions.forEach((expr, reason) -> {
            checks.add(() -> assertFalse(reason.isBlank(), "no reason given for " + expr));
            checks.add(() -> assertTrue(used.contains(expr), "stale exception, no dashboard has: " + expr));
        });
        assertAll(checks);
    }

    // ---------------------------------------------------------------------------------------------- real data

    @Test
    @Order(7)
    void gatewayExportsEveryContractMetric() {
        fixture();
        List<Series> series = parse(metricsText);
        Set<String> missing = new TreeSet<>(CONTRACT);
        missing.removeAll(exported);
        List<Executable> checks = new ArrayList<>();
        checks.add(() -> assertTrue(missing.isEmpty(), "contract metrics missing from /metrics: " + missing));
        for (String transport : List.of("sse", "ws")) {
            // the latency SLI reads the 250 ms bucket
            checks.add(() -> assertTrue(series.stream().anyMatch(s -> s.name().equals("herald_delivery_latency_seconds_bucket")
                    && s.has("transport", transport) && s.has("le", "0.25")),
                    "herald_delivery_latency_seconds_bucket{le=\"0.25\",transport=\"" + transport + "\"} missing"));
            // the stalled clients' backlog was dropped and counted, per transport
            checks.add(() -> assertTrue(sum(series, "herald_events_dropped_total", "transport", transport,
                    "reason", "drop-oldest") > 0, "drop-oldest drops counted for " + transport));
            checks.add(() -> assertTrue(sum(series, "herald_events_delivered_total", "transport", transport) >= EVENTS * 2,
                    "deliveries counted for " + transport));
        }
        checks.add(() -> assertTrue(sum(series, "herald_resumes_total", "outcome", "exact") >= 1, "exact resume counted"));
        checks.add(() -> assertTrue(sum(series, "herald_resumes_total", "outcome", "reset") >= 1, "reset counted"));
        checks.add(() -> assertTrue(sum(series, "herald_requests_rejected_total", "endpoint", "publish",
                "reason", "invalid-token") >= 1, "rejected publish counted"));
        checks.add(() -> assertEquals(HeraldDeployment.QUEUE_MAX_EVENTS, sum(series, "herald_queue_max_events"), 0.0,
                "herald_queue_max_events is the configured herald.queue.max-events"));
        checks.add(() -> assertEquals(1.0, sum(series, "herald_backplane_up"), 0.0, "the in-memory log is always up"));
        checks.add(() -> assertEquals(0.0, sum(series, "herald_backplane_lag_seconds"), 0.0, "no lag without a backplane"));
        checks.add(() -> assertEquals(0.0, sum(series, "herald_draining"), 0.0, "the shared server is not draining"));
        for (Series one : series) {
            if (!one.name().startsWith("herald_")) {
                continue;
            }
            checks.add(() -> {
                assertTrue(ALLOWED_LABELS.containsAll(one.labels().keySet()), "unexpected label on " + one);
                LABEL_VALUES.forEach((label, values) -> {
                    String value = one.labels().get(label);
                    assertTrue(value == null || values.contains(value), "label value not in " + values + ": " + one);
                });
                topics.forEach(topic -> assertFalse(one.labels().containsValue(topic), "topic name as a label: " + one));
            });
        }
        assertAll(checks);
    }

    @Test
    @Order(8)
    void prometheusScrapesHeraldAndEvaluatesEveryRuleWithoutError() throws IOException {
        fixture();
        JsonObject target = prometheus.get("/api/v1/targets").getJsonObject("data").getJsonArray("activeTargets")
                .getJsonObject(0);
        assertEquals("up", target.getString("health"), "scrape: " + target);
        assertEquals("", target.getString("lastError"), "scrape error");
        int inFiles = 0;
        for (String text : readAll(ruleFiles())) {
            inFiles += (int) text.lines().filter(line -> line.matches("\\s*- (record|alert): .*")).count();
        }
        List<Executable> checks = new ArrayList<>();
        int loaded = 0;
        for (JsonObject group : ruleGroups.getValuesAs(JsonObject.class)) {
            for (JsonObject rule : group.getJsonArray("rules").getValuesAs(JsonObject.class)) {
                loaded++;
                checks.add(() -> assertEquals("ok", rule.getString("health"), rule.getString("name") + ": "
                        + rule.getString("lastError", "")));
            }
        }
        assertEquals(inFiles, loaded, "Prometheus loaded every rule of prometheus/rules");
        assertAll(checks);
    }

    @TestFactory
    @Order(9)
    Stream<DynamicTest> everyRuleExpressionEvaluatesOnHeraldsMetrics() {
        fixture();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonObject group : ruleGroups.getValuesAs(JsonObject.class)) {
            for (JsonObject rule : group.getJsonArray("rules").getValuesAs(JsonObject.class)) {
                String expr = rule.getString("query");
                String where = rule.getString("type") + " rule " + rule.getString("name");
                tests.add(DynamicTest.dynamicTest(where, () -> described(where, () -> {
                    evaluate(expr);
                    assertReadsExportedMetrics(expr);
                })));
            }
        }
        return tests.stream();
    }

    @TestFactory
    @Order(10)
    Stream<DynamicTest> everyDashboardQueryEvaluatesAndReturnsData() throws IOException {
        fixture();
        Map<String, String> exceptions = exceptions();
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : files(DASHBOARDS, ".json")) {
            JsonObject dashboard = Json.createReader(new StringReader(Files.readString(file))).readObject();
            for (Query query : queries(file)) {
                tests.add(DynamicTest.dynamicTest(query.where(), () -> described(query.where(), () -> {
                    String expr = substitute(query.expr(), dashboard);
                    JsonObject data = evaluate(expr);
                    assertReadsExportedMetrics(expr);
                    if (!exceptions.containsKey(normalize(query.expr()))) {
                        assertTrue(hasData(data), "no data for " + expr
                                + " (list it in prometheus/dashboard-exceptions.txt only if that is expected)");
                    }
                })));
            }
            for (JsonObject variable : variables(dashboard)) {
                String definition = variable.get("query") instanceof JsonString text ? text.getString()
                        : variable.getJsonObject("query").getString("query");
                String where = dashboard.getString("uid") + " variable $" + variable.getString("name");
                tests.add(DynamicTest.dynamicTest(where, () -> described(where,
                        () -> {
                            Matcher labelValues = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\s*\\)")
                                    .matcher(definition.trim());
                            assertTrue(labelValues.matches(), "unsupported variable query " + definition);
                            String expr = "count by (" + labelValues.group(2) + ") (" + labelValues.group(1) + ")";
                            assertTrue(hasData(evaluate(expr)), "no values for " + definition);
                            assertReadsExportedMetrics(expr);
                        })));
            }
        }
        return tests.stream();
    }

    /**
     * The Grafana-managed alerts' Prometheus queries (grafana/provisioning/alerting, refId A). They return nothing
     * while the budgets are fine, so only evaluation and the metrics they read are checked, as for the rules.
     */
    @TestFactory
    @Order(11)
    Stream<DynamicTest> everyGrafanaAlertQueryEvaluatesOnHeraldsMetrics() throws IOException {
        fixture();
        List<Query> queries = grafanaAlertQueries();
        assertFalse(queries.isEmpty(), "no Grafana alert queries in " + ALERTING);
        return queries.stream().map(query -> DynamicTest.dynamicTest(query.where(), () -> described(query.where(), () -> {
            evaluate(query.expr());
            assertReadsExportedMetrics(query.expr());
        })));
    }

    @AfterAll
    void stop() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        for (AutoCloseable client : clients) {
            try {
                client.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
        if (prometheus != null) {
            prometheus.close();
        }
        if (server != null && server.isAlive()) {
            // leave the shared server as we found it for the test classes that run next (connection gauges)
            Poll.until(() -> connections().entrySet().stream()
                            .allMatch(e -> e.getValue() <= connectionsBefore.getOrDefault(e.getKey(), 0.0)),
                    () -> "the test's connections to close: " + connections() + ", before: " + connectionsBefore);
        }
    }

    // ---------------------------------------------------------------------------------------------- fixture

    private synchronized void fixture() {
        if (fixtureFailure != null) {
            throw fixtureFailure;
        }
        if (fixtureStarted) {
            return;
        }
        fixtureStarted = true;
        try {
            long t0 = System.nanoTime();
            server = HeraldDeployment.server(base);
            publisher = new Publisher(server);
            connectionsBefore = connections();
            Path config = TARGET.resolve("it-prometheus/prometheus.yml");
            Files.createDirectories(config.getParent());
            // Payara: Herald's /metrics; WildFly (no MicroProfile Metrics, Debian's Prometheus 2.42 has no OTLP
            // receiver): the test's OTLP receiver, serving what Herald exported to it as Prometheus text
            URI scrape = server.scrapeUri();
            Files.writeString(config, rewrite(Files.readString(CONFIG), scrape.getHost() + ":" + scrape.getPort()));
            promtool("check", "config", config.toString());
            prometheus = PrometheusServer.start(config, TARGET.resolve("it-prometheus.log"));
            long t1 = System.nanoTime();
            putLoad();
            Instant loaded = Instant.now();
            awaitScrapesAfter(loaded);
            metricsText = server.metricsText();
            exported = new TreeSet<>();
            parse(metricsText).forEach(series -> exported.add(series.name()));
            System.out.printf("ObservabilityIT: server %.1f s, load + %d scrapes %.1f s; %d ticks published%n",
                    (t1 - t0) / 1e9, scrapes(), (System.nanoTime() - t1) / 1e9, ticks.get());
            Set<String> missing = new TreeSet<>(CONTRACT);
            missing.removeAll(exported);
            if (!missing.isEmpty()) {
                System.out.println("ObservabilityIT: contract metrics missing from /metrics: " + missing);
            }
        } catch (IOException e) {
            fixtureFailure = new UncheckedIOException(e);
            throw fixtureFailure;
        } catch (RuntimeException | AssertionError e) {
            fixtureFailure = new IllegalStateException("fixture failed: " + e.getMessage(), e);
            throw fixtureFailure;
        }
    }

    /** A few subscribers per transport, ~100 publishes, drops, rejected publishes, an exact resume and a reset. */
    private void putLoad() {
        String topic = unique("obs");
        List<EventStream> subscribers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            subscribers.add(open(Transport.SSE, List.of(topic), null));
            subscribers.add(open(Transport.WS, List.of(topic), null));
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            ids.add(publisher.publish(topic, "{\"n\":" + i + "}"));
        }
        for (EventStream subscriber : subscribers) {
            assertEquals(ids, subscriber.awaitEvents(EVENTS).stream().map(Received::id).toList(), "every event delivered");
        }

        // resumes: exactly after event 50 (SSE, Last-Event-ID), and from an unknown epoch (WebSocket: reset)
        EventStream resumed = open(Transport.SSE, List.of(topic), ids.get(49));
        assertEquals(ids.subList(50, EVENTS), resumed.awaitEvents(EVENTS - 50).stream().map(Received::id).toList());
        EventStream reset = open(Transport.WS, List.of(topic), "zzzzzzzz-1");
        reset.await(items -> items.stream().anyMatch(item -> item.kind().equals("reset")), "a reset signal");

        // rejected publishes
        HttpResponse<String> unauthorized = publisher.post(topic, "{}", Map.of("Authorization", "Bearer wrong",
                "Content-Type", "application/json"));
        assertEquals(401, unauthorized.statusCode(), unauthorized.body());
        HttpResponse<String> invalid = publisher.post(topic, "{not json", Map.of("Authorization",
                "Bearer " + HeraldServer.TOKEN, "Content-Type", "application/json"));
        assertEquals(400, invalid.statusCode(), invalid.body());

        // live traffic while Prometheus scrapes, so rates and latency quantiles have something to show
        ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "observability-ticker");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleAtFixedRate(() -> {
            try {
                publisher.publish(topic, "{\"tick\":" + ticks.incrementAndGet() + "}");
            } catch (Throwable e) {
                tickerFailure.compareAndSet(null, e);
                throw e;
            }
        }, 0, 200, TimeUnit.MILLISECONDS);

        // a stalled client per transport on a drop-oldest topic: its backlog is dropped and counted
        String dropSse = unique("drop");
        String dropWs = unique("drop");
        clients.add(StalledClient.sse(server, "topic=" + dropSse));
        clients.add(StalledClient.ws(server, "topic=" + dropWs));
        double sseBefore = sum(parse(server.metricsText()), "herald_events_dropped_total", "transport", "sse",
                "reason", "drop-oldest");
        double wsBefore = sum(parse(server.metricsText()), "herald_events_dropped_total", "transport", "ws",
                "reason", "drop-oldest");
        for (int i = 0; i < STALLED_EVENTS; i++) {
            String event = "{\"n\":" + i + ",\"pad\":\"" + PAD + "\"}";
            publisher.publish(dropSse, event);
            publisher.publish(dropWs, event);
        }
        Poll.until(() -> {
            List<Series> now = parse(server.metricsText());
            return sum(now, "herald_events_dropped_total", "transport", "sse", "reason", "drop-oldest") > sseBefore
                    && sum(now, "herald_events_dropped_total", "transport", "ws", "reason", "drop-oldest") > wsBefore;
        }, () -> "drop-oldest drops on both transports for the stalled clients; now: " + parse(server.metricsText())
                .stream().filter(series -> series.name().equals("herald_events_dropped_total")).toList());
        topics.addAll(List.of(topic, dropSse, dropWs));
        if (tickerFailure.get() != null) {
            throw new AssertionError("background publishing failed", tickerFailure.get());
        }
    }

    private EventStream open(Transport transport, List<String> topics, String lastEventId) {
        EventStream stream = transport.open(server, topics, lastEventId);
        clients.add(stream);
        return stream;
    }

    /** Waits until Prometheus scraped Herald after the load and evaluated every rule group on that scrape. */
    private void awaitScrapesAfter(Instant loaded) {
        long deadline = System.nanoTime() + SCRAPE_DEADLINE.toNanos();
        String state = "nothing yet";
        while (System.nanoTime() < deadline) {
            JsonArray targets = prometheus.get("/api/v1/targets").getJsonObject("data").getJsonArray("activeTargets");
            if (targets.isEmpty()) {
                // Prometheus answers before its service discovery has registered the target: not scraped yet
                state = "no active target yet";
                pause();
                continue;
            }
            JsonObject target = targets.getJsonObject(0);
            Instant lastScrape = Instant.parse(target.getString("lastScrape"));
            ruleGroups = prometheus.get("/api/v1/rules").getJsonObject("data").getJsonArray("groups");
            boolean evaluated = !ruleGroups.isEmpty() && ruleGroups.getValuesAs(JsonObject.class).stream()
                    .allMatch(group -> Instant.parse(group.getString("lastEvaluation")).isAfter(lastScrape));
            int scrapes = scrapes();
            state = "target " + target.getString("health") + " (" + target.getString("lastError") + "), last scrape "
                    + lastScrape + ", load done " + loaded + ", " + scrapes + " scrapes, rules evaluated since: " + evaluated;
            if (target.getString("health").equals("up") && lastScrape.isAfter(loaded) && scrapes >= 5 && evaluated) {
                recorded.clear();
                for (JsonObject group : ruleGroups.getValuesAs(JsonObject.class)) {
                    for (JsonObject rule : group.getJsonArray("rules").getValuesAs(JsonObject.class)) {
                        if (rule.getString("type").equals("recording")) {
                            recorded.put(rule.getString("name"), rule.getString("query"));
                        }
                    }
                }
                return;
            }
            pause();
        }
        throw new AssertionError("Prometheus did not scrape Herald within " + SCRAPE_DEADLINE + ": " + state + "\n"
                + prometheus.readLog());
    }

    /** Prometheus offers nothing to wait on; it scrapes and evaluates every second. */
    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private int scrapes() {
        JsonArray result = prometheus.query("count_over_time(up{job=\"herald\"}[1m])").getJsonObject("data")
                .getJsonArray("result");
        return result.isEmpty() ? 0 : (int) Double.parseDouble(result.getJsonObject(0).getJsonArray("value").getString(1));
    }

    private Map<String, Double> connections() {
        Map<String, Double> byTransport = new TreeMap<>();
        for (Series series : parse(server.metricsText())) {
            if (series.name().equals("herald_connections")) {
                byTransport.merge(series.labels().getOrDefault("transport", ""), series.value(), Double::sum);
            }
        }
        return byTransport;
    }

    private static String unique(String prefix) {
        return prefix + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    // ---------------------------------------------------------------------------------------------- queries

    /** Runs a check; a failure names where the query comes from (failsafe reports dynamic tests by number). */
    private static void described(String where, Executable check) throws Throwable {
        try {
            check.execute();
        } catch (AssertionError e) {
            AssertionError described = new AssertionError(where + ": " + e.getMessage());
            described.setStackTrace(e.getStackTrace());
            throw described;
        }
    }

    private JsonObject evaluate(String expr) {
        JsonObject answer = prometheus.query(expr);
        if (!answer.getString("status").equals("success")) {
            fail("Prometheus cannot evaluate " + expr + ": " + answer.getString("errorType", "") + ": "
                    + answer.getString("error", answer.toString()));
        }
        return answer.getJsonObject("data");
    }

    private static boolean hasData(JsonObject data) {
        String type = data.getString("resultType");
        return type.equals("scalar") || type.equals("string") || !data.getJsonArray("result").isEmpty();
    }

    /**
     * Every metric the expression reads is exported by the gateway at /metrics, recorded by the rules (which in
     * turn read exported metrics), or one of Prometheus' own series about the herald job / Herald alerts; and
     * unless it reads only those, at least one is a gateway metric.
     */
    private void assertReadsExportedMetrics(String expr) {
        Set<String> gateway = new TreeSet<>();
        Set<String> own = new TreeSet<>();
        Set<String> unknown = new TreeSet<>();
        resolve(metricNames(expr), gateway, own, unknown, new HashSet<>());
        assertTrue(unknown.isEmpty(), "reads metrics the gateway does not export at /metrics (nor the rules record): "
                + unknown + " in " + expr);
        if (gateway.isEmpty()) {
            assertFalse(own.isEmpty(), "reads no metric at all: " + expr);
            assertTrue(expr.contains("job=\"herald\"") || expr.contains("alertname=~\"Herald"),
                    "reads only Prometheus' own series " + own + " but not for the herald job or Herald alerts: " + expr);
        }
    }

    private void resolve(Set<String> names, Set<String> gateway, Set<String> own, Set<String> unknown, Set<String> seen) {
        for (String name : names) {
            if (exported.contains(name)) {
                gateway.add(name);
            } else if (recorded.containsKey(name)) {
                if (seen.add(name)) {
                    resolve(metricNames(recorded.get(name)), gateway, own, unknown, seen);
                }
            } else if (PROMETHEUS_SERIES.contains(name)) {
                own.add(name);
            } else {
                unknown.add(name);
            }
        }
    }

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "offset", "bool", "and", "or", "unless", "atan2", "inf", "nan", "start", "end");
    private static final Pattern TOKEN = Pattern.compile(
            "\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?(?:ms|[smhdwy])*|([A-Za-z_:][A-Za-z0-9_:]*)(\\s*\\()?");

    /** The metric names a PromQL expression reads (identifiers that are not functions, keywords or labels). */
    static Set<String> metricNames(String expr) {
        String text = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''")
                .replaceAll("`[^`]*`", "``")
                .replaceAll("#[^\\n]*", " ")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher token = TOKEN.matcher(text);
        while (token.find()) {
            String name = token.group(1);
            if (name != null && token.group(2) == null && !KEYWORDS.contains(name.toLowerCase())) {
                names.add(name);
            }
        }
        return names;
    }

    /** Grafana's built-in variables and the dashboard's own ($instance -> its "All" value). */
    static String substitute(String expr, JsonObject dashboard) {
        Map<String, String> values = new HashMap<>(GRAFANA_MACROS);
        for (JsonObject variable : variables(dashboard)) {
            String value = variable.getBoolean("includeAll", false) ? variable.getString("allValue", ".*")
                    : currentValue(variable);
            values.put(variable.getString("name"), value);
        }
        Matcher reference = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)|\\[\\[(\\w+)]]").matcher(expr);
        StringBuilder out = new StringBuilder();
        while (reference.find()) {
            String name = reference.group(1) != null ? reference.group(1)
                    : reference.group(2) != null ? reference.group(2) : reference.group(3);
            String value = values.get(name);
            if (value == null) {
                throw new AssertionError("unknown Grafana variable $" + name + " in " + expr);
            }
            reference.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        reference.appendTail(out);
        return out.toString();
    }

    private static String currentValue(JsonObject variable) {
        JsonValue current = variable.getJsonObject("current") == null ? null : variable.getJsonObject("current").get("value");
        if (current instanceof JsonString text) {
            return text.getString();
        }
        if (current instanceof JsonArray array && !array.isEmpty()) {
            return array.getString(0);
        }
        throw new AssertionError("variable $" + variable.getString("name") + " has no value to test with");
    }

    record Query(String where, String expr) {
    }

    /** Every panel target's expression of one dashboard, rows' nested panels included. */
    static List<Query> queries(Path file) throws IOException {
        JsonObject dashboard = Json.createReader(new StringReader(Files.readString(file))).readObject();
        List<Query> queries = new ArrayList<>();
        for (JsonObject panel : panels(dashboard)) {
            JsonArray targets = panel.getJsonArray("targets");
            if (targets == null) {
                continue;
            }
            for (JsonObject target : targets.getValuesAs(JsonObject.class)) {
                if (target.containsKey("expr")) {
                    queries.add(new Query(dashboard.getString("uid") + " / " + panel.getString("title", "?") + " / "
                            + target.getString("refId", "?"), target.getString("expr")));
                }
            }
        }
        return queries;
    }

    /** Every Prometheus query of the Grafana alert rules (the datasource queries, not Grafana's expressions). */
    @SuppressWarnings("unchecked")
    static List<Query> grafanaAlertQueries() throws IOException {
        List<Query> queries = new ArrayList<>();
        for (Path file : files(ALERTING, ".yml")) {
            Map<String, Object> document = new Yaml().load(Files.readString(file));
            for (Map<String, Object> group : (List<Map<String, Object>>) document.getOrDefault("groups", List.of())) {
                for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                    for (Map<String, Object> data : (List<Map<String, Object>>) rule.get("data")) {
                        if (DATASOURCE_UID.equals(data.get("datasourceUid"))) {
                            queries.add(new Query("Grafana alert " + rule.get("title") + " / " + data.get("refId"),
                                    (String) ((Map<String, Object>) data.get("model")).get("expr")));
                        }
                    }
                }
            }
        }
        return queries;
    }

    static List<JsonObject> panels(JsonObject dashboard) {
        List<JsonObject> all = new ArrayList<>();
        for (JsonObject panel : dashboard.getJsonArray("panels").getValuesAs(JsonObject.class)) {
            all.add(panel);
            if (panel.containsKey("panels")) {
                all.addAll(panel.getJsonArray("panels").getValuesAs(JsonObject.class));
            }
        }
        return all;
    }

    static List<JsonObject> variables(JsonObject dashboard) {
        JsonObject templating = dashboard.getJsonObject("templating");
        if (templating == null || !templating.containsKey("list")) {
            return List.of();
        }
        return templating.getJsonArray("list").getValuesAs(JsonObject.class).stream()
                .filter(variable -> variable.getString("type", "").equals("query")
                        || variable.getString("type", "").equals("custom"))
                .toList();
    }

    private static void assertDatasource(JsonValue value, String where) {
        assertTrue(value instanceof JsonObject, where + ": datasource must be {\"type\":\"prometheus\",\"uid\":\"prometheus\"}");
        JsonObject datasource = (JsonObject) value;
        assertEquals(DATASOURCE_TYPE, datasource.getString("type", ""), where + ": datasource type");
        assertEquals(DATASOURCE_UID, datasource.getString("uid", ""), where + ": datasource uid");
    }

    /** prometheus/dashboard-exceptions.txt: "expression # reason" per line; normalized expression -> reason. */
    static Map<String, String> exceptions() throws IOException {
        Map<String, String> exceptions = new LinkedHashMap<>();
        for (String line : Files.readAllLines(EXCEPTIONS)) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int hash = trimmed.indexOf(" # ");
            exceptions.put(normalize(hash < 0 ? trimmed : trimmed.substring(0, hash)),
                    hash < 0 ? "" : trimmed.substring(hash + 3).trim());
        }
        return exceptions;
    }

    private static String normalize(String expr) {
        return expr.trim().replaceAll("\\s+", " ");
    }

    // ---------------------------------------------------------------------------------------------- config

    /**
     * The repository's prometheus.yml for this test: Herald's port as the only target, 1 s intervals, and the
     * rule files by absolute path (the config must name every file in prometheus/rules).
     */
    static String rewrite(String config, String target) {
        List<String> out = new ArrayList<>();
        int targets = 0;
        boolean inRuleFiles = false;
        Set<Path> ruleFiles = new TreeSet<>();
        for (String line : config.split("\n", -1)) {
            if (line.matches("\\S.*") && !line.startsWith("#")) {
                inRuleFiles = line.startsWith("rule_files:");
            }
            Matcher rule = Pattern.compile("^(\\s*-\\s*)[\"']?([^\"'#\\s]+)[\"']?\\s*$").matcher(line);
            if (inRuleFiles && rule.matches()) {
                Path file = PROMETHEUS_DIR.resolve(rule.group(2)).normalize();
                ruleFiles.add(file);
                out.add(rule.group(1) + file);
            } else if (line.matches("\\s*(scrape_interval|evaluation_interval|scrape_timeout):.*")) {
                out.add(line.replaceFirst(":.*", ": 1s"));
            } else if (line.matches("\\s*(-\\s*)?targets:\\s*\\[.*]\\s*") && !line.trim().startsWith("#")) {
                targets++;
                out.add(line.replaceFirst("\\[.*]", "[\"" + target + "\"]"));
            } else {
                out.add(line);
            }
        }
        assertEquals(1, targets, "prometheus.yml must list the gateway targets on exactly one `targets: [...]` line");
        assertEquals(new TreeSet<>(ruleFiles()), ruleFiles, "prometheus.yml rule_files must name every rule file");
        return String.join("\n", out);
    }

    private static List<Path> ruleFiles() {
        return files(PROMETHEUS_DIR.resolve("rules"), ".yml");
    }

    private static List<Path> files(Path dir, String suffix) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(file -> file.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> readAll(List<Path> files) throws IOException {
        List<String> texts = new ArrayList<>();
        for (Path file : files) {
            texts.add(Files.readString(file));
        }
        return texts;
    }

    /** Runs promtool (Debian's prometheus package) and fails with its output unless it exits with 0. */
    private static void promtool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(PrometheusServer.binary("promtool"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish: " + output);
            }
            assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + output);
        } catch (IOException e) {
            throw new AssertionError("cannot run promtool: install Debian's prometheus package (.ci/run)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    // ---------------------------------------------------------------------------------------------- /metrics

    record Series(String name, Map<String, String> labels, double value) {
        boolean has(String label, String expected) {
            return expected.equals(labels.get(label));
        }
    }

    private static final Pattern SAMPLE = Pattern.compile("([A-Za-z_:][A-Za-z0-9_:]*)(\\{(.*)})?\\s+(\\S+).*");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The samples of a Prometheus text exposition. */
    static List<Series> parse(String text) {
        List<Series> all = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher sample = SAMPLE.matcher(line.trim());
            if (line.startsWith("#") || !sample.matches()) {
                continue;
            }
            Map<String, String> labels = new TreeMap<>();
            if (sample.group(3) != null) {
                Matcher label = LABEL.matcher(sample.group(3));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            String value = sample.group(4);
            all.add(new Series(sample.group(1), labels, switch (value) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(value);
            }));
        }
        return all;
    }

    /** Sum of the samples of one metric whose labels include the given label/value pairs. */
    static double sum(List<Series> series, String name, String... labelValues) {
        double total = 0;
        for (Series one : series) {
            boolean matches = one.name().equals(name);
            for (int i = 0; matches && i < labelValues.length; i += 2) {
                matches = one.has(labelValues[i], labelValues[i + 1]);
            }
            if (matches) {
                total += one.value();
            }
        }
        return total;
    }
}
