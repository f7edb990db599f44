package dev.herald.bench;

import dev.herald.it.HeraldServer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One short real run of the load generator's storm scenario: a real Herald (the runtime of this test run)
 * and a real nginx+nchan, SSE and WebSocket, 40 subscribers from a client process, events published while
 * a fifth of them reconnect. Asserts what the generator reports, not how fast the machine is.
 */
class LoadGeneratorIT {

    @Test
    void stormRunReportsEveryDeliveryAndNoGapForHeraldAndNchanSse() throws Exception {
        String herald = (HeraldServer.onWildFly() ? "wildfly" : "payara") + ":servlet";
        Path out = Path.of("target", "bench-it-" + (HeraldServer.onWildFly() ? "wildfly" : "payara"));
        LoadGenerator.Options options = LoadGenerator.Options.parse("--scenario", "storm", "--targets",
                herald + ",nchan", "--transports", "sse,ws", "--connections", "40", "--rate", "10", "--seconds", "4",
                "--warmup", "10", "--heartbeat", "2s", "--out", out.toString());

        List<Row> rows = new LoadGenerator(options, System.out).runAll();

        assertEquals(4, rows.size(), "Herald SSE, Herald WS, nchan SSE, nchan WS");
        for (Row row : rows) {
            Phase phase = row.phase;
            assertAll(row.label,
                    () -> assertEquals(40, row.opened, "opened"),
                    () -> assertEquals(0, row.failed, "failed: " + row.failures),
                    () -> assertEquals(0, row.lost, "lost"),
                    () -> assertEquals(40, phase.published(), "published: 10/s for 4 s"),
                    () -> assertEquals(10, phase.reconnected(), "every fifth of the 10 warm-up + 40 reconnected"),
                    () -> assertTrue(row.loaded.pssKb() > 0, "PSS read"),
                    () -> assertTrue(phase.p99() > 0 && phase.p50() <= phase.p99(), "latency percentiles"),
                    () -> assertTrue(phase.cpuSeconds() >= 0, "server CPU read"));
            boolean resumable = !row.label.equals("nginx+nchan WebSocket");
            if (resumable) {
                // Herald (SSE and WS) and nchan's EventSource resume from the last id: nothing lost, nothing twice
                assertAll(row.label,
                        () -> assertEquals(phase.expected(), phase.delivered(), "delivered"),
                        () -> assertEquals(0, phase.gaps(), "gaps"),
                        () -> assertEquals(0, phase.duplicates(), "duplicates"));
            }
            if (row.label.startsWith("Herald")) {
                assertAll(row.label,
                        () -> assertEquals(10 + 40, row.gauge, "server gauge after opening: warm-up + N"),
                        () -> assertEquals(0, row.gaugeAfterClose, "server gauge after closing"),
                        () -> assertTrue(row.loaded.heapUsedKb() > 0, "heap after GC read"));
            }
        }
        String json = Files.readString(out.resolve("results.json"));
        assertTrue(!json.contains(HeraldTarget.TOKEN), "no publish token in results.json");
        assertTrue(json.contains("\"sumKbPerConnection\""), json);
        String html = Files.readString(out.resolve("report.html"));
        assertEquals(3, html.split("<svg", -1).length - 1, "three charts");
    }

    @Test
    void holdAgainstAHeraldItDidNotStart() throws Exception {
        // a short heartbeat: closed SSE clients are noticed at the next write, so the generator's wait for the
        // gauge to reach 0 takes seconds instead of most of a minute (README, "Measured here")
        try (HeraldServer server = HeraldServer.start("bench-running", java.util.Map.of("herald.heartbeat-interval", "2s"))) {
            Path out = Path.of("target", "bench-it-running-" + (HeraldServer.onWildFly() ? "wildfly" : "payara"));
            LoadGenerator.Options options = LoadGenerator.Options.parse("--targets", "url:" + server.uri("/"),
                    "--token", HeraldServer.TOKEN, "--pid", Long.toString(server.pid()), "--transports", "sse",
                    "--connections", "30", "--warmup", "10", "--seconds", "2", "--out", out.toString());

            Row row = new LoadGenerator(options, System.out).runAll().get(0);

            assertAll(() -> assertEquals(30, row.opened, "opened"),
                    () -> assertEquals(0, row.failed, "failed: " + row.failures),
                    () -> assertEquals(row.phase.expected(), row.phase.delivered(), "delivered"),
                    () -> assertEquals(4 * 40, row.phase.expected(), "2 events/s for 2 s to warm-up + N"),
                    () -> assertTrue(row.loaded.heapUsedKb() > 0, "heap after GC read through --pid"),
                    // the gauge is read from GET /metrics, which WildFly does not serve on the app port
                    () -> assertEquals(HeraldServer.onWildFly() ? -1 : 40, row.gauge, "server gauge"),
                    () -> assertTrue(server.isAlive(), "the generator leaves a server it did not start running"));
        }
    }
}
