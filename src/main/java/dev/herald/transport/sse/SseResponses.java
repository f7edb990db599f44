package dev.herald.transport.sse;

import dev.herald.HeraldRuntime;
import dev.herald.hub.HubException;
import dev.herald.security.AuthException;
import dev.herald.transport.HttpErrors;
import dev.herald.transport.NodeHeaderFilter;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

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

    /** 429 for the client's own address limit, 503 for the node's limits and state, 400 for a bad request. */
    static int status(HubException e) {
        return switch (e.reason()) {
            case ADDRESS_LIMIT -> 429;
            case CONNECTION_LIMIT, TOPIC_LIMIT, CLOSED, DRAINING, BACKPLANE_UNAVAILABLE -> 503;
            default -> 400;
        };
    }

    /** Whether a refusal with this status is temporary: it carries Retry-After (EventSource ignores it; others should not). */
    static boolean temporary(int status) {
        return status == 429 || status == 503;
    }

    /** A refused credential or scope, before any stream byte: 401/403, WWW-Authenticate, the JSON reason. */
    static void reject(HeraldRuntime runtime, HttpServletResponse response, AuthException e) throws IOException {
        runtime.metrics().requestRejected("sse", e.reason());
        response.reset();
        response.setHeader(NodeHeaderFilter.HEADER, runtime.config().nodeId());
        response.setHeader("WWW-Authenticate", e.wwwAuthenticate());
        HttpErrors.write(response, e.status(), e.reason(), e.getMessage());
    }

    /**
     * Answers a refused subscription before any stream byte: the status, Retry-After for 503, the JSON reason.
     * The response may already carry the stream's headers (not committed): they are reset.
     */
    static void reject(HeraldRuntime runtime, HttpServletResponse response, HubException e) throws IOException {
        runtime.metrics().requestRejected("sse", e.reason().label());
        response.reset();
        // reset() also cleared what the node header filter set
        response.setHeader(NodeHeaderFilter.HEADER, runtime.config().nodeId());
        int status = status(e);
        if (temporary(status)) {
            response.setHeader("Retry-After", HubException.RETRY_AFTER_SECONDS);
        }
        // blocking mode: the servlet sets its WriteListener only once the subscription exists
        HttpErrors.write(response, status, e.reason().label(), e.getMessage());
    }
}
