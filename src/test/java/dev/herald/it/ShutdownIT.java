package dev.herald.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stopping the server closes every client with a reason: WebSocket 1001, SSE end of stream. The server runs on
 * the Redis log, so SIGTERM also has to stop Lettuce and the stream reader in time (no stuck reader).
 */
class ShutdownIT {

    /**
     * On SIGTERM WildFly suspends first, and its suspend closes every WebSocket session with 1001 and an empty
     * reason on the session's own executor, concurrently with Herald's shutdown hook (seen in a stack trace from
     * onClose: ServerWebSocketContainer.pause). Whichever close reaches the session first is the one sent, so on
     * WildFly the reason may be empty; the code, 1001, is the same either way (README, Deploying on WildFly).
     */
    private static boolean containerClosedFirst(WsStream ws) {
        return HeraldServer.onWildFly() && ws.closeReason().isEmpty();
    }

    @Test
    void stoppingTheServerClosesWebSocketsWith1001AndEndsSseStreams() throws IOException {
        RedisServer redis = RedisServer.start(Path.of("target/redis-shutdown"), false);
        java.util.Map<String, String> properties = new java.util.TreeMap<>(RedisNodes.nodeProperties(redis, "shutdown"));
        // more than any file limit here (20 000): the start must say so
        properties.put("herald.max-connections", "1000000");
        HeraldServer server = HeraldServer.start("shutdown", properties);
        try (redis; WsStream ws = WsStream.open(server, "topic=shutdown");
             SseStream sse = SseStream.open(server, "topic=shutdown", null)) {
            String id = new Publisher(server).publish("shutdown", "{\"bye\":true}");
            assertEquals(List.of(id), ws.awaitEvents(1).stream().map(Received::id).toList());
            assertEquals(List.of(id), sse.awaitEvents(1).stream().map(Received::id).toList());

            long t0 = System.nanoTime();
            server.close();
            long stopMillis = (System.nanoTime() - t0) / 1_000_000;

            System.out.printf("%s on the Redis log stopped on SIGTERM in %d ms%n", HeraldServer.onWildFly() ? "WildFly" : "Payara", stopMillis);
            assertTrue(stopMillis < 15_000, "stopped on SIGTERM without being killed: " + stopMillis + " ms");
            String log = Files.readString(server.log(), StandardCharsets.ISO_8859_1);
            assertTrue(log.contains("herald.max-connections=1000000 needs about 1000512 open files"),
                    "a max-connections above the file limit is warned at start");
            assertFalse(log.contains("\"herald-redis-reader\""), "no thread dump with a stuck Redis reader");
            assertEquals(1001, ws.awaitCloseCode(), "close code on shutdown");
            assertTrue(ws.closeReason().contains("\"error\":\"shutdown\"") || containerClosedFirst(ws),
                    "JSON reason: " + ws.closeReason());
            sse.awaitEnd();
        } finally {
            server.close();
        }
    }
}
