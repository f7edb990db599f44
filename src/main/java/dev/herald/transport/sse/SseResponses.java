package dev.herald.transport.sse;

import dev.herald.HeraldRuntime;
import dev.herald.hub.HubException;
import dev.herald.transport.SignalJson;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Response details both SSE engines share. */
final class SseResponses {
    private SseResponses() {
    }

    /** Headers that keep proxies and browsers from caching or buffering the stream. */
    static void streamHeaders(HttpServletResponse response) {
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
    }

    static int status(HubException e) {
        return switch (e.reason()) {
            case CONNECTION_LIMIT, TOPIC_LIMIT, CLOSED -> 503;
            default -> 400;
        };
    }

    static void reject(HeraldRuntime runtime, HttpServletResponse response, HubException e) throws IOException {
        runtime.metrics().requestRejected("sse", e.reason().label());
        response.setStatus(status(e));
        response.setContentType("application/json");
        response.getOutputStream().write(SignalJson.error(e.reason().label(), e.getMessage())
                .getBytes(StandardCharsets.UTF_8));
    }
}
