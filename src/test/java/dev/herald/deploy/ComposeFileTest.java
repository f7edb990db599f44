package dev.herald.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.herald.deploy.StackFiles.list;
import static dev.herald.deploy.StackFiles.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * compose.yaml as Debian's docker-compose 1.29 reads it (`docker-compose config` validates the file and resolves
 * anchors, env files and paths; no engine is needed), then what the stack needs of it: files that exist, the
 * README's start commands, drain-safe stop, file limits, healthchecks, pinned images the README lists.
 */
class ComposeFileTest {
    private static Map<String, Object> services;

    @BeforeAll
    static void resolve() {
        String resolved = StackFiles.run(StackFiles.ROOT, List.of("docker-compose", "-f", "compose.yaml", "config"));
        services = map(map(new Yaml().load(resolved), "compose").get("services"), "services");
    }

    private static Map<String, Object> service(String name) {
        return map(services.get(name), name);
    }

    private static Map<String, Object> environment(String name) {
        return map(service(name).get("environment"), name + " environment");
    }

    @Test
    void everyFileTheStackMountsOrBuildsFromExists() {
        Set<String> mounted = new TreeSet<>();
        for (String name : services.keySet()) {
            Object volumes = service(name).get("volumes");
            for (Object volume : volumes == null ? List.of() : list(volumes, name + " volumes")) {
                String source = volume.toString().split(":")[0];
                if (source.startsWith("/")) {
                    mounted.add(StackFiles.ROOT.relativize(Path.of(source)).toString());
                    assertTrue(Files.exists(Path.of(source)), name + " mounts " + source);
                }
            }
            Object build = service(name).get("build");
            if (build != null) {
                Path context = Path.of(map(build, name + " build").get("context").toString());
                Object dockerfile = map(build, name).getOrDefault("dockerfile", "Dockerfile");
                assertTrue(Files.isRegularFile(context.resolve(dockerfile.toString())), name + " builds from " + dockerfile);
            }
        }
        // every config the stack runs with is a file of this repository, mounted read-only
        assertEquals(new TreeSet<>(List.of("compose/alertmanager.yml", "compose/otel-collector.yaml",
                "compose/prometheus.yml", "compose/redis.conf", "grafana/dashboards", "grafana/provisioning",
                "nginx/make-cert.sh", "nginx/templates", "prometheus/rules")), mounted);
    }

    @Test
    void bothNodesRunTheSameImageWithTheReadmesRunScripts() {
        String pom = StackFiles.text("pom.xml");
        Map<String, String> scripts = Map.of("herald-payara", "src/main/payara/run.sh",
                "herald-wildfly", "src/main/wildfly/run.sh");
        scripts.forEach((node, script) -> {
            List<Object> command = list(service(node).get("command"), node + " command");
            assertEquals(List.of("bash", script), command.subList(0, 2), node + " starts as the run command does");
            assertTrue(pom.contains("<argument>${project.basedir}/" + script + "</argument>"),
                    "the pom's run profile runs " + script + " too");
            assertEquals("herald:local", service(node).get("image"), node + " image");
            assertEquals(StackFiles.ROOT.toString(), map(service(node).get("build"), node).get("context"));
        });
        // without it Payara Micro cuts open streams 0.14 s after SIGTERM (README "Draining a node")
        assertTrue(list(service("herald-payara").get("command"), "payara").contains("--shutdowngrace"));
    }

    @Test
    void nodesShareRedisStopAfterTheDrainAndHoldEnoughFiles() {
        for (String node : List.of("herald-payara", "herald-wildfly")) {
            Map<String, Object> environment = environment(node);
            assertEquals("redis", environment.get("HERALD_BACKPLANE"), node);
            assertEquals("redis://redis:6379", environment.get("HERALD_REDIS_URI"), node);
            assertTrue(environment.get("HERALD_PUBLISH_TOKEN").toString().length() >= 32, node + " operator token");
            assertTrue(environment.get("HERALD_JWT_HMAC_SECRET").toString().length() >= 32, node + " JWT key");
            assertEquals(node, environment.get("HERALD_NODE_ID"));
            // drain grace 5 s + period 10 s + flush margin 2 s (defaults, README "Draining a node")
            Duration stop = Duration.parse("PT" + service(node).get("stop_grace_period").toString().toUpperCase());
            assertTrue(stop.compareTo(Duration.ofSeconds(17)) > 0, node + " stop_grace_period " + stop);
            Map<String, Object> files = map(map(service(node).get("ulimits"), node).get("nofile"), node + " nofile");
            assertTrue(((Number) files.get("soft")).intValue() >= 20_000 + 512, node + " ulimit for herald.max-connections");
            Map<String, Object> health = map(service(node).get("healthcheck"), node + " healthcheck");
            assertTrue(health.get("test").toString().contains("/health/ready"), node + " healthcheck on readiness");
        }
        assertTrue(list(service("herald-wildfly").get("command"), "wildfly").contains("0.0.0.0"),
                "WildFly listens beyond loopback");
    }

    @Test
    void theBalancerIsTheOneTrustedProxyAndGetsEveryTemplateVariable() throws IOException {
        Map<String, Object> nginx = map(map(service("nginx").get("networks"), "nginx networks").get("herald"), "herald");
        assertEquals(nginx.get("ipv4_address"), environment("herald-payara").get("HERALD_TRUSTED_PROXIES"));
        Set<String> variables = new TreeSet<>();
        try (Stream<Path> templates = Files.list(StackFiles.ROOT.resolve("nginx/templates"))) {
            for (Path template : templates.filter(path -> path.toString().endsWith(".template")).toList()) {
                Matcher variable = Pattern.compile("\\$\\{([A-Z0-9_]+)}").matcher(Files.readString(template));
                while (variable.find()) {
                    variables.add(variable.group(1));
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        assertTrue(variables.size() >= 3, "the template's variables: " + variables);
        assertTrue(environment("nginx").keySet().containsAll(variables),
                "nginx gets " + variables + ", has " + environment("nginx").keySet());
    }

    @Test
    void everyImageIsPinnedAndListedInTheReadme() {
        String readme = StackFiles.text("README.md");
        for (String name : services.keySet()) {
            String image = String.valueOf(service(name).get("image"));
            assertTrue(image.matches("[^:]+:[^:]*\\d[^:]*") || image.endsWith(":local"), name + " pins " + image);
            assertTrue(readme.contains("`" + image + "`"), "README lists " + image);
        }
        assertEquals(List.of("load"), service("k6").get("profiles"), "k6 runs only under the load profile");
    }
}
