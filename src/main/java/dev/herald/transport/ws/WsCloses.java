package dev.herald.transport.ws;

import dev.herald.hub.CloseReason;
import dev.herald.json.JsonSupport;
import jakarta.websocket.CloseReason.CloseCodes;

import java.nio.charset.StandardCharsets;

/** Close codes and JSON reasons for every way the server ends a WebSocket session. */
final class WsCloses {
    /** RFC 6455 allows 123 bytes of close reason. */
    private static final int MAX_REASON_BYTES = 123;

    private WsCloses() {
    }

    static jakarta.websocket.CloseReason forReason(CloseReason reason) {
        return switch (reason) {
            case SLOW_CONSUMER -> close(CloseCodes.TRY_AGAIN_LATER, reason.label(), "queue full; resume from your last id");
            case WRITE_TIMEOUT -> close(CloseCodes.TRY_AGAIN_LATER, reason.label(), "write stalled; resume from your last id");
            case PONG_TIMEOUT -> close(CloseCodes.TRY_AGAIN_LATER, reason.label(), "no pong; resume from your last id");
            case BROADCAST_OVERFLOW -> close(CloseCodes.TRY_AGAIN_LATER, reason.label(), "events lost; resume from your last id");
            case BAD_REQUEST -> close(CloseCodes.VIOLATED_POLICY, reason.label(), "bad request");
            case SHUTDOWN -> close(CloseCodes.GOING_AWAY, reason.label(), "server shutting down; reconnect");
            case CLIENT_GONE -> close(CloseCodes.NORMAL_CLOSURE, reason.label(), "closed");
            case TOKEN_EXPIRED -> close(CloseCodes.VIOLATED_POLICY, reason.label(), "renew the token, then reconnect");
            case REVOKED -> close(CloseCodes.VIOLATED_POLICY, reason.label(), "access was revoked");
        };
    }

    static jakarta.websocket.CloseReason close(CloseCodes code, String reason, String message) {
        return new jakarta.websocket.CloseReason(code, reasonText(reason, message));
    }

    static String reasonText(String reason, String message) {
        String json = JsonSupport.error(reason, message);
        if (json.getBytes(StandardCharsets.UTF_8).length <= MAX_REASON_BYTES) {
            return json;
        }
        return JsonSupport.error(reason, "see documentation");
    }
}
