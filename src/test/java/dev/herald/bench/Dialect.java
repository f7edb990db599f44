package dev.herald.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** How a push server names its subscribe paths and resume parameters. */
enum Dialect {
    /** Herald: /api/events?topic=t (SSE), /ws/events?topic=t&lastEventId=… (WebSocket). */
    HERALD,
    /**
     * nginx + nchan as configured in bench/nchan/nginx.conf: /sub/t (EventSource), /ws/t (WebSocket, plain
     * message bodies without ids, so a WebSocket client cannot resume).
     */
    NCHAN;

    String ssePath(String topic) {
        return this == HERALD ? "/api/events?topic=" + topic : "/sub/" + topic;
    }

    String wsPath(String topic, String lastId) {
        if (this == NCHAN) {
            return "/ws/" + topic;
        }
        return "/ws/events?topic=" + topic
                + (lastId == null ? "" : "&lastEventId=" + URLEncoder.encode(lastId, StandardCharsets.UTF_8));
    }

    /** Whether a WebSocket subscription is live only after the server's {"type":"subscribed"} frame. */
    boolean wsSubscribedFrame() {
        return this == HERALD;
    }
}
