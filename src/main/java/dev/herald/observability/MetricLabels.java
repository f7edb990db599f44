package dev.herald.observability;

import java.util.List;

/** The fixed label values Herald uses: every series exists from the start, so nothing is created per event. */
final class MetricLabels {
    static final List<String> TRANSPORTS = List.of("sse", "ws");
    static final List<String> CLOSE_REASONS = List.of("client-gone", "slow-consumer", "write-timeout",
            "pong-timeout", "broadcast-overflow", "bad-request", "shutdown", "token-expired", "revoked");
    static final List<String> DROP_REASONS = List.of("drop-oldest", "conflated", "disconnect");
    static final List<String> RESUME_OUTCOMES = List.of("exact", "reset");
    static final List<String> REJECT_ENDPOINTS = List.of("publish", "sse", "ws", "operator");
    static final List<String> REJECT_REASONS = List.of("unauthorized", "invalid-topic", "unsupported-media-type",
            "too-large", "invalid-json", "no-topics", "too-many-topics", "topic-limit", "connection-limit",
            "address-limit", "rate-limited", "too-many-messages", "draining",
            "bad-message", "closed", "backplane-unavailable", "replication-timeout",
            "idempotency-key-reused", "internal-error",
            "invalid-token", "insufficient-scope", "forbidden-origin", "too-many-pending");

    private MetricLabels() {
    }
}
