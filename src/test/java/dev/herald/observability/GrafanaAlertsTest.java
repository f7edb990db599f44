package dev.herald.observability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Grafana-managed SLO alerts (grafana/provisioning/alerting) are twins of the Prometheus ones
 * (prometheus/rules/herald-alerts.yml): every SLO burn alert has one, with the same expression verbatim, the
 * same severity and "for", and datasources that the provisioning defines. Whether the expressions evaluate on
 * real metrics is ObservabilityIT's part.
 */
class GrafanaAlertsTest {
    /** Surefire runs in the project's base directory. */
    static final Path REPO = Path.of("").toAbsolutePath();
    static final Path ALERTING = REPO.resolve("grafana/provisioning/alerting");
    private static final Path PROMETHEUS_ALERTS = REPO.resolve("prometheus/rules/herald-alerts.yml");
    private static final Path DATASOURCES = REPO.resolve("grafana/provisioning/datasources/herald.yml");
    /** Grafana's server-side expressions (reduce, threshold, math): not a provisioned datasource. */
    private static final String EXPRESSIONS = "__expr__";

    /** A Grafana alert rule as provisioned: where it is, its title and its query A. */
    record GrafanaRule(String file, String uid, String title, String expr, Map<String, Object> rule) {
    }

    @Test
    void everySloBurnAlertHasAGrafanaTwinWithTheSameExpression() throws IOException {
        Map<String, Map<String, Object>> prometheus = sloBurnAlerts();
        assertEquals(6, prometheus.size(), "latency and delivery x fast, slow, long: " + prometheus.keySet());
        Map<String, GrafanaRule> grafana = new LinkedHashMap<>();
        for (GrafanaRule rule : grafanaRules()) {
            assertEquals(null, grafana.put(rule.title(), rule), "two Grafana rules titled " + rule.title());
        }
        assertEquals(prometheus.keySet(), grafana.keySet(), "Grafana rules (title = alert name) vs Prometheus SLO alerts");
        List<Executable> checks = new ArrayList<>();
        prometheus.forEach((name, alert) -> {
            GrafanaRule twin = grafana.get(name);
            checks.add(() -> assertEquals(alert.get("expr"), twin.expr(), name + ": expr verbatim"));
            checks.add(() -> assertEquals(labels(alert).get("severity"), labels(twin.rule()).get("severity"),
                    name + ": severity"));
            checks.add(() -> assertEquals(labels(alert).get("slo"), labels(twin.rule()).get("slo"), name + ": slo label"));
            checks.add(() -> assertEquals(alert.get("for"), twin.rule().get("for"), name + ": for"));
        });
        assertAll(checks);
    }

    @Test
    void everyGrafanaRuleFiresOnAnySeriesAndIsQuietWithout() throws IOException {
        List<Executable> checks = new ArrayList<>();
        Set<String> uids = new HashSet<>();
        for (GrafanaRule rule : grafanaRules()) {
            String where = rule.file() + " " + rule.title();
            Map<String, Map<String, Object>> data = new LinkedHashMap<>();
            for (Map<String, Object> query : list(rule.rule().get("data"))) {
                data.put((String) query.get("refId"), query);
            }
            checks.add(() -> assertTrue(uids.add(rule.uid()) && rule.uid().matches("[A-Za-z0-9_-]{1,40}"),
                    where + ": unique uid of at most 40 letters, digits, - and _: " + rule.uid()));
            checks.add(() -> assertEquals(List.of("A", "B", "C"), List.copyOf(data.keySet()), where + ": queries A, B, C"));
            checks.add(() -> assertEquals("C", rule.rule().get("condition"), where + ": condition is the threshold"));
            checks.add(() -> assertEquals("reduce", model(data.get("B")).get("type"), where + ": B reduces A"));
            checks.add(() -> assertEquals("A", model(data.get("B")).get("expression"), where + ": B reduces A"));
            checks.add(() -> assertEquals("threshold", model(data.get("C")).get("type"), where + ": C is a threshold"));
            checks.add(() -> assertEquals("B", model(data.get("C")).get("expression"), where + ": C thresholds B"));
            checks.add(() -> assertEquals(Map.of("type", "gt", "params", List.of(0)),
                    list(model(data.get("C")).get("conditions")).get(0).get("evaluator"), where + ": C is B > 0"));
            checks.add(() -> assertTrue(model(data.get("A")).get("instant") == Boolean.TRUE, where + ": A is instant"));
            checks.add(() -> assertTrue(data.get("A").get("relativeTimeRange") instanceof Map, where + ": A has a range"));
            // the expression returns nothing while the budget is fine: no data is the healthy state
            checks.add(() -> assertEquals("OK", rule.rule().get("noDataState"), where + ": noDataState"));
            checks.add(() -> assertEquals("Error", rule.rule().get("execErrState"), where + ": execErrState"));
            Map<?, ?> annotations = (Map<?, ?>) rule.rule().get("annotations");
            checks.add(() -> assertTrue(annotations != null && annotations.get("summary") instanceof String summary
                    && !summary.contains("$value ") && annotations.get("description") instanceof String description
                    && description.contains("What to do: "), where + ": summary (Grafana's $values.A.Value, not"
                    + " Prometheus' $value) and a description with runbook text"));
        }
        assertAll(checks);
    }

    @Test
    void everyReferencedDatasourceIsProvisioned() throws IOException {
        Set<String> provisioned = new TreeSet<>();
        for (Map<String, Object> datasource : list(load(DATASOURCES).get("datasources"))) {
            provisioned.add((String) datasource.get("uid"));
        }
        assertEquals(Set.of("prometheus", "alertmanager", "jaeger"), provisioned, "datasource uids");
        List<Executable> checks = new ArrayList<>();
        for (GrafanaRule rule : grafanaRules()) {
            for (Map<String, Object> query : list(rule.rule().get("data"))) {
                String uid = (String) query.get("datasourceUid");
                Object model = model(query).get("datasource");
                String where = rule.title() + " query " + query.get("refId");
                checks.add(() -> assertTrue(provisioned.contains(uid) || EXPRESSIONS.equals(uid),
                        where + ": datasourceUid " + uid + " not in " + provisioned));
                checks.add(() -> assertTrue(model instanceof Map<?, ?> ds && uid.equals(ds.get("uid")),
                        where + ": model.datasource.uid is the datasourceUid"));
            }
        }
        assertAll(checks);
    }

    @Test
    void policiesRoutePageAndTicketToProvisionedContactPoints() throws IOException {
        Set<String> contactPoints = new TreeSet<>();
        for (Map<String, Object> point : list(load(ALERTING.resolve("contact-points.yml")).get("contactPoints"))) {
            contactPoints.add((String) point.get("name"));
            assertFalse(list(point.get("receivers")).isEmpty(), point.get("name") + ": receivers");
        }
        List<Map<String, Object>> policies = list(load(ALERTING.resolve("policies.yml")).get("policies"));
        assertEquals(1, policies.size(), "one policy tree for org 1");
        Map<String, Object> root = policies.get(0);
        assertTrue(contactPoints.contains((String) root.get("receiver")), "default receiver " + root.get("receiver"));
        Map<String, String> bySeverity = new LinkedHashMap<>();
        for (Map<String, Object> route : list(root.get("routes"))) {
            List<?> matcher = (List<?>) ((List<?>) route.get("object_matchers")).get(0);
            assertEquals(List.of("severity", "="), matcher.subList(0, 2), "routes match on severity");
            bySeverity.put((String) matcher.get(2), (String) route.get("receiver"));
        }
        assertEquals(Map.of("page", "herald-page", "ticket", "herald-ticket"), bySeverity, "severity routes");
        assertTrue(contactPoints.containsAll(bySeverity.values()), "routes go to provisioned contact points");
    }

    /** The Prometheus alerts of the SLO group, by name. */
    static Map<String, Map<String, Object>> sloBurnAlerts() throws IOException {
        Map<String, Map<String, Object>> alerts = new LinkedHashMap<>();
        for (Map<String, Object> group : list(load(PROMETHEUS_ALERTS).get("groups"))) {
            for (Map<String, Object> rule : list(group.get("rules"))) {
                String name = (String) rule.get("alert");
                if (name != null && name.matches("Herald(Latency|Delivery)BudgetBurn\\w+")) {
                    alerts.put(name, rule);
                }
            }
        }
        return alerts;
    }

    /** Every Grafana alert rule of grafana/provisioning/alerting (the files with groups:). */
    static List<GrafanaRule> grafanaRules() throws IOException {
        List<GrafanaRule> rules = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(ALERTING)) {
            files = list.filter(file -> file.toString().endsWith(".yml")).sorted().toList();
        }
        for (Path file : files) {
            Map<String, Object> document = load(file);
            assertEquals(1, document.get("apiVersion"), file + ": apiVersion");
            for (Map<String, Object> group : list(document.get("groups"))) {
                String where = file.getFileName() + " group " + group.get("name");
                assertEquals(1, group.get("orgId"), where + ": orgId");
                assertNotNull(group.get("folder"), where + ": folder");
                assertTrue(String.valueOf(group.get("interval")).matches("\\d+[smh]"), where + ": interval");
                for (Map<String, Object> rule : list(group.get("rules"))) {
                    Map<String, Object> query = list(rule.get("data")).get(0);
                    rules.add(new GrafanaRule(file.getFileName().toString(), (String) rule.get("uid"),
                            (String) rule.get("title"), (String) model(query).get("expr"), rule));
                }
            }
        }
        return rules;
    }

    static Map<String, Object> load(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            Map<String, Object> document = new Yaml().load(reader);
            return document == null ? Map.of() : document;
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> model(Map<String, Object> query) {
        return query == null ? Map.of() : (Map<String, Object>) query.getOrDefault("model", Map.of());
    }

    private static Map<?, ?> labels(Map<String, Object> rule) {
        return (Map<?, ?>) rule.getOrDefault("labels", Map.of());
    }
}
