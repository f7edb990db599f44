package dev.herald.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.JavascriptExecutor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node dies (SIGKILL) while clients stream through nginx: they reconnect through nginx to the other node and
 * resume there with exactly the ids the publishes returned, no gap, no duplicate, no reset. Eleven clients are
 * Java, one is a real headless Chromium EventSource (which reconnects by itself, sending Last-Event-ID).
 */
@EnabledIfSystemProperty(named = "herald.it.runtime", matches = "payara")
@ExtendWith(RedisNodes.Extension.class)
class NodeFailoverIT {
    private static final int JAVA_CLIENTS = 11;

    private static RedisNodes nodes;
    private static HeraldServer doomed;
    private static LoadBalancer balancer;
    private static Chromium chromium;

    @BeforeAll
    static void start(RedisNodes shared) {
        nodes = shared;
        doomed = HeraldServer.builder("redis-c").runtime("payara")
                .properties(RedisNodes.nodeProperties(nodes.redis, "node-c")).start();
        balancer = LoadBalancer.start(Path.of("target/nginx-lb"), List.of(nodes.wildFly, doomed));
        chromium = Chromium.start();
    }

    @AfterAll
    static void stop() {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            if (balancer != null) {
                balancer.close();
            }
            if (doomed != null) {
                doomed.close();
            }
        }
    }

    @Test
    void clientsOfAKilledNodeResumeOnTheOtherThroughNginxWithoutGapDuplicateOrReset() {
        String topic = ScaleOutIT.unique("failover");
        Publisher survivor = new Publisher(nodes.wildFly);
        // every client resumes after this event, so none can miss one published after it
        String start = survivor.publish(topic, "{\"start\":true}");
        List<ResumingSseClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < JAVA_CLIENTS; i++) {
                clients.add(ResumingSseClient.open(balancer.uri("/api/events?topic=" + topic), start));
            }
            JavascriptExecutor browser = (JavascriptExecutor) chromium.driver();
            chromium.driver().get(balancer.uri("/").toString());
            browser.executeScript("window.heraldIds = []; window.heraldResets = 0;"
                    + "const source = new EventSource('/api/events?topic=" + topic + "&lastEventId=" + start + "');"
                    + "source.addEventListener('" + topic + "', e => window.heraldIds.push(e.lastEventId));"
                    + "source.addEventListener('herald.reset', () => window.heraldResets++);");

            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ids.add(survivor.publish(topic, "{\"n\":" + i + "}"));
            }
            for (ResumingSseClient client : clients) {
                client.awaitEvents(10);
            }
            Poll.until(() -> browserIds(browser).size() >= 10, () -> "Chromium got 10: " + browserIds(browser));
            long onDoomed = clients.stream().filter(client -> client.nodes().get(0).equals("node-c")).count();
            assertTrue(onDoomed * 3 >= JAVA_CLIENTS, "at least a third streamed from the node to kill: " + onDoomed);

            doomed.kill();
            long killed = System.nanoTime();
            for (int i = 10; i < 20; i++) {
                ids.add(survivor.publish(topic, "{\"n\":" + i + "}"));
            }
            for (ResumingSseClient client : clients) {
                assertEquals(ids, client.awaitEvents(20).stream().map(Received::id).toList(),
                        "exactly the published ids, in order; connections: " + client.nodes());
                assertTrue(client.all().stream().noneMatch(item -> item.kind().equals("reset")), "no reset");
            }
            System.out.printf("%d of %d Java clients streamed from node-c; all had the 20 events %.1f s after the"
                    + " SIGKILL%n", onDoomed, JAVA_CLIENTS, (System.nanoTime() - killed) / 1e9);
            assertTrue(clients.stream().filter(client -> client.nodes().get(0).equals("node-c"))
                    .allMatch(client -> client.nodes().get(client.nodes().size() - 1).equals("node-b")),
                    "the killed node's clients continued on node-b");
            Poll.until(() -> browserIds(browser).size() >= 20, () -> "Chromium got 20: " + browserIds(browser));
            assertEquals(ids, browserIds(browser), "Chromium's EventSource: no gap, no duplicate");
            assertEquals(0L, ((Number) browser.executeScript("return window.heraldResets;")).longValue(), "no reset");
        } finally {
            clients.forEach(ResumingSseClient::close);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> browserIds(JavascriptExecutor browser) {
        return List.copyOf((List<String>) browser.executeScript("return window.heraldIds;"));
    }
}
