package dev.herald.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM drains where the runtime keeps serving for it (README "Draining a node"): Payara Micro with
 * {@code fish.payara.shutdowngrace} (its listener then stays up that long), WildFly with
 * {@code org.wildfly.sigterm.suspend.timeout} (open streams stay writable while it suspends, as
 * src/main/wildfly/run.sh sets). SSE streams end spread over the period, each with a last {@code retry:} hint;
 * WebSockets get 1001 (on WildFly its suspend closes them itself, with an empty reason).
 */
@EnabledIfSystemProperty(named = "herald.it.runtime", matches = "payara")
class SigtermDrainIT {
    static final int SSE_CLIENTS = 40;
    static final int WS_CLIENTS = 5;
    static final int GRACE_SECONDS = 1;
    static final int PERIOD_SECONDS = 4;

    @Test
    void payaraMicroWithAShutdownGraceDrainsOnSigterm() {
        drainOnSigterm("payara", "-Dfish.payara.shutdowngrace=8000");
    }

    @Test
    void wildFlyWithASuspendTimeoutDrainsOnSigterm() {
        drainOnSigterm("wildfly", "-Dorg.wildfly.sigterm.suspend.timeout=20");
    }

    private static void drainOnSigterm(String runtime, String windowSetting) {
        HeraldServer server = HeraldServer.builder("sigterm-" + runtime).runtime(runtime).jvmArg(windowSetting)
                .property("herald.drain.grace", GRACE_SECONDS + "s").property("herald.drain.period", PERIOD_SECONDS + "s")
                .property("herald.heartbeat-interval", "2s").start();
        List<SseStream> streams = new ArrayList<>();
        List<WsStream> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < SSE_CLIENTS; i++) {
                streams.add(SseStream.open(server, "topic=sigterm", null));
            }
            for (int i = 0; i < WS_CLIENTS; i++) {
                sockets.add(WsStream.open(server, "topic=sigterm"));
            }
            String id = new Publisher(server).publish("sigterm", "{}");
            streams.forEach(stream -> assertEquals(List.of(id), stream.awaitEvents(1).stream().map(Received::id).toList()));

            long signalled = System.nanoTime();
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::close);
            long[] endedAt = new long[SSE_CLIENTS];
            while (Arrays.stream(endedAt).anyMatch(t -> t == 0)) {
                for (int i = 0; i < SSE_CLIENTS; i++) {
                    if (endedAt[i] == 0 && streams.get(i).ended()) {
                        endedAt[i] = System.nanoTime();
                    }
                }
                assertTrue(System.nanoTime() - signalled < 30_000_000_000L, runtime + ": every stream ended within 30 s");
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L); // sampling end times every 10 ms
            }
            stopped.join();
            double stopSeconds = (System.nanoTime() - signalled) / 1e9;
            double[] seconds = Arrays.stream(endedAt).mapToDouble(t -> (t - signalled) / 1e9 - GRACE_SECONDS).sorted().toArray();
            System.out.printf("SigtermDrainIT %s (%s): %d SSE streams ended %.2f .. %.2f s after the grace (median %.2f),"
                            + " the server exited %.1f s after SIGTERM%n", runtime, windowSetting, SSE_CLIENTS, seconds[0],
                    seconds[seconds.length - 1], seconds[seconds.length / 2], stopSeconds);
            assertTrue(seconds[seconds.length - 1] - seconds[0] >= PERIOD_SECONDS * 0.5,
                    "spread over the period, not all at once: " + Arrays.toString(seconds));
            for (SseStream stream : streams) {
                List<String> lines = stream.rawLines();
                assertTrue(lines.stream().filter(line -> line.startsWith("retry: ")).count() == 2,
                        "the preamble's and a last retry hint: " + lines);
            }
            for (WsStream socket : sockets) {
                assertEquals(1001, socket.awaitCloseCode(), socket.closeReason());
                assertTrue(socket.closeReason().contains("\"error\":\"shutdown\"")
                        || (runtime.equals("wildfly") && socket.closeReason().isEmpty()), socket.closeReason());
            }
        } finally {
            streams.forEach(SseStream::close);
            sockets.forEach(WsStream::close);
            server.close();
        }
    }
}
