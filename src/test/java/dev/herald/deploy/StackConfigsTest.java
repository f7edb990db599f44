package dev.herald.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.herald.deploy.StackFiles.list;
import static dev.herald.deploy.StackFiles.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The configs compose.yaml mounts, each checked by the real program where it runs here: promtool (Prometheus
 * 2.42) loads compose/prometheus.yml with the repository's rules, amtool the Alertmanager config, a real
 * redis-server compose/redis.conf. The Collector cannot run here: its config is checked for structure.
 */
class StackConfigsTest {

    @Test
    void prometheusLoadsTheComposeConfigWithTheRepositoryRules(@TempDir Path dir) throws IOException {
        // laid out as the container mounts it: the config with rules/ next to it
        Files.copy(StackFiles.ROOT.resolve("compose/prometheus.yml"), dir.resolve("prometheus.yml"));
        Files.createDirectories(dir.resolve("rules"));
        try (var rules = Files.list(StackFiles.ROOT.resolve("prometheus/rules"))) {
            for (Path rule : rules.toList()) {
                Files.copy(rule, dir.resolve("rules").resolve(rule.getFileName()));
            }
        }
        String output = StackFiles.run(dir, List.of("promtool", "check", "config", "prometheus.yml"));
        assertTrue(output.contains("SUCCESS: 2 rule files found"), output);
        String config = StackFiles.text("compose/prometheus.yml");
        assertTrue(config.contains("alertmanager:9093") && config.contains("herald-payara:8080")
                && config.contains("otel-collector:8889"), "targets: both nodes (WildFly via the Collector), Alertmanager");
    }

    @Test
    void amtoolAcceptsTheAlertmanagerConfigAndPagesGoToTheirOwnReceiver() {
        String output = StackFiles.run(StackFiles.ROOT, List.of("amtool", "check-config", "compose/alertmanager.yml"));
        assertTrue(output.contains("SUCCESS"), output);
        String routed = StackFiles.run(StackFiles.ROOT, List.of("amtool", "config", "routes", "test",
                "--config.file=compose/alertmanager.yml", "severity=page", "alertname=HeraldLatencyBudgetBurnFast"));
        assertEquals("page", lastLine(routed), routed);
        String ticket = StackFiles.run(StackFiles.ROOT, List.of("amtool", "config", "routes", "test",
                "--config.file=compose/alertmanager.yml", "severity=ticket", "alertname=HeraldLatencyBudgetBurnSlow"));
        assertEquals("ticket", lastLine(ticket), ticket);
    }

    /** amtool prints a warning about --alertmanager.url first. */
    private static String lastLine(String output) {
        List<String> lines = output.strip().lines().toList();
        return lines.get(lines.size() - 1).trim();
    }

    @Test
    void redisRunsTheComposeConfigWithAppendOnlyAndNoEviction(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        // the file as is; only where it listens and writes differ outside the container
        Process redis = new ProcessBuilder("redis-server", StackFiles.ROOT.resolve("compose/redis.conf").toString(),
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        try {
            List<String> cli = List.of("redis-cli", "-p", Integer.toString(port));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!ping(cli)) {
                assertTrue(redis.isAlive() && System.nanoTime() < deadline,
                        "redis-server with compose/redis.conf: " + Files.readString(dir.resolve("redis.log")));
                Thread.sleep(50); // polling a starting process: there is no event to await
            }
            List<String> get = new ArrayList<>(cli);
            get.addAll(List.of("CONFIG", "GET", "*"));
            List<String> lines = StackFiles.run(dir, get).lines().toList();
            Map<String, String> settings = new java.util.HashMap<>();
            for (int i = 0; i + 1 < lines.size(); i += 2) {
                settings.put(lines.get(i), lines.get(i + 1));
            }
            assertEquals("yes", settings.get("appendonly"));
            assertEquals("noeviction", settings.get("maxmemory-policy"));
            assertEquals("everysec", settings.get("appendfsync"));
            assertEquals(Long.toString(1L << 30), settings.get("maxmemory"));
        } finally {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean ping(List<String> cli) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(cli);
        command.add("PING");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String answer = new String(process.getInputStream().readAllBytes()).trim();
        return process.waitFor() == 0 && answer.equals("PONG");
    }

    @Test
    void everyCollectorPipelineNamesDefinedComponentsAndKeepsHeraldsNames() {
        Map<String, Object> collector = StackFiles.yaml("compose/otel-collector.yaml");
        Map<String, Object> service = map(collector.get("service"), "service");
        Map<String, Object> pipelines = map(service.get("pipelines"), "pipelines");
        assertEquals(List.of("metrics", "traces"), pipelines.keySet().stream().sorted().toList());
        for (var pipeline : pipelines.entrySet()) {
            Map<String, Object> parts = map(pipeline.getValue(), pipeline.getKey());
            for (String kind : List.of("receivers", "processors", "exporters")) {
                Map<String, Object> defined = map(collector.get(kind), kind);
                List<Object> named = list(parts.get(kind), pipeline.getKey() + " " + kind);
                assertTrue(!named.isEmpty() && defined.keySet().containsAll(named),
                        pipeline.getKey() + " " + kind + " " + named + " defined in " + defined.keySet());
            }
        }
        assertTrue(map(collector.get("extensions"), "extensions").keySet()
                .containsAll(list(service.get("extensions"), "service extensions")), "extensions defined");
        Map<String, Object> prometheus = map(map(collector.get("exporters"), "exporters").get("prometheus"), "prometheus");
        assertEquals(false, prometheus.get("add_metric_suffixes"), "the dashboards' names, no second suffix");
        assertEquals("0.0.0.0:8889", prometheus.get("endpoint"), "where compose/prometheus.yml scrapes");
        assertEquals(List.of("otlp/jaeger"), map(pipelines.get("traces"), "traces").get("exporters"));
        String env = StackFiles.text("compose/herald.env");
        assertTrue(env.contains("OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4318")
                && env.contains("OTEL_SERVICE_NAME=herald"), "the nodes send to the Collector's OTLP/HTTP port as job herald");
    }
}
