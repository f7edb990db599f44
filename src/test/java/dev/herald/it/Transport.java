package dev.herald.it;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/** The two ways to subscribe: SSE (on whichever engine the server runs) and WebSocket. */
public enum Transport {
    SSE, WS;

    /** The metric label of the transport. */
    public String label() {
        return this == WS ? "ws" : "sse";
    }

    /** Subscribes to topics, resuming after lastEventId if it is not null (SSE: Last-Event-ID header). */
    public EventStream open(HeraldServer server, List<String> topics, String lastEventId) {
        String query = topics.stream().map(topic -> "topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        if (this == WS) {
            if (lastEventId != null) {
                query += "&lastEventId=" + URLEncoder.encode(lastEventId, StandardCharsets.UTF_8);
            }
            return WsStream.open(server, query);
        }
        SseStream stream = SseStream.open(server, query, lastEventId);
        if (stream.status() != 200) {
            throw new AssertionError("SSE subscribe got " + stream.status());
        }
        return stream;
    }
}
