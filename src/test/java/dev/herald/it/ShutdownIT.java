package dev.herald.it;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stopping the server closes every client with a reason: WebSocket 1001, SSE end of stream. */
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
    void stoppingTheServerClosesWebSocketsWith1001AndEndsSseStreams() {
        HeraldServer server = HeraldServer.start("shutdown", Map.of());
        try (WsStream ws = WsStream.open(server, "topic=shutdown");
             SseStream sse = SseStream.open(server, "topic=shutdown", null)) {
            String id = new Publisher(server).publish("shutdown", "{\"bye\":true}");
            assertEquals(List.of(id), ws.awaitEvents(1).stream().map(Received::id).toList());
            assertEquals(List.of(id), sse.awaitEvents(1).stream().map(Received::id).toList());

            server.close();

            assertEquals(1001, ws.awaitCloseCode(), "close code on shutdown");
            assertTrue(ws.closeReason().contains("\"error\":\"shutdown\"") || containerClosedFirst(ws),
                    "JSON reason: " + ws.closeReason());
            sse.awaitEnd();
        } finally {
            server.close();
        }
    }
}
