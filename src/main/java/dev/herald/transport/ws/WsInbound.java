package dev.herald.transport.ws;

import dev.herald.limits.TokenBucket;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.MessageHandler;

import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * One session's inbound text messages, under its bounds: at most {@code perSecond} messages a second (burst the
 * same; beyond: 1008 too-many-messages) and {@code maxBytes} per message (beyond: 1009). Messages arrive as parts
 * and are counted before they are buffered: Undertow does not enforce the session's text buffer size for messages
 * spread over several reads, so Herald does it itself. Called by the container one message at a time.
 */
final class WsInbound implements MessageHandler.Partial<String> {
    private final WsSink sink;
    private final int maxBytes;
    private final int perSecond;
    private final TokenBucket rate;
    private final WsEndpoint.Refusal refusal;
    private final BiConsumer<WsSink, String> handler;
    private StringBuilder pending;
    private int bytes;
    private boolean refused;

    WsInbound(WsSink sink, int maxBytes, int perSecond, WsEndpoint.Refusal refusal, BiConsumer<WsSink, String> handler) {
        this.sink = sink;
        this.maxBytes = maxBytes;
        this.perSecond = perSecond;
        this.rate = new TokenBucket(perSecond, perSecond, System.nanoTime());
        this.refusal = refusal;
        this.handler = handler;
    }

    @Override
    public void onMessage(String part, boolean last) {
        if (refused) {
            return;
        }
        if (pending == null && bytes == 0 && rate.tryTake(1, System.nanoTime()) != 0) {
            refused = true;
            refusal.refuse(sink, CloseCodes.VIOLATED_POLICY, "too-many-messages",
                    "at most " + perSecond + " messages per second (herald.ws.max-messages-per-second)");
            return;
        }
        bytes += StandardCharsets.UTF_8.encode(part).remaining();
        if (bytes > maxBytes) {
            refused = true;
            pending = null;
            refusal.refuse(sink, CloseCodes.TOO_BIG, "too-large", "control messages are at most " + maxBytes + " bytes");
            return;
        }
        if (last && pending == null) {
            bytes = 0;
            handler.accept(sink, part);
            return;
        }
        if (pending == null) {
            pending = new StringBuilder();
        }
        pending.append(part);
        if (last) {
            String message = pending.toString();
            pending = null;
            bytes = 0;
            handler.accept(sink, message);
        }
    }
}
