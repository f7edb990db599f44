package dev.herald.hub;

/** A request the hub or its event log refuses; {@link #reason()} is the metric label and the client-visible error code. */
public final class HubException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        INVALID_TOPIC("invalid-topic"),
        NO_TOPICS("no-topics"),
        TOO_MANY_TOPICS("too-many-topics"),
        TOPIC_LIMIT("topic-limit"),
        CONNECTION_LIMIT("connection-limit"),
        /** The client's address already holds herald.limits.connections-per-address connections. */
        ADDRESS_LIMIT("address-limit"),
        /** The event log cannot store or read now (stopped, stalled or its store unreachable). */
        BACKPLANE_UNAVAILABLE("backplane-unavailable"),
        /**
         * The event IS stored, but fewer replicas than herald.redis.wait-replicas confirmed it in time: a
         * retry with the same Idempotency-Key is safe and answers its id.
         */
        REPLICATION_TIMEOUT("replication-timeout"),
        /** An Idempotency-Key came back with a different body. */
        IDEMPOTENCY_KEY_REUSED("idempotency-key-reused"),
        /** The node is draining (shutting down gracefully): connect to another node. */
        DRAINING("draining"),
        CLOSED("closed");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Retry-After, in seconds, of an answer refused for a temporary reason (limits, log unavailable, drain). */
    public static final String RETRY_AFTER_SECONDS = "5";

    private final Reason reason;

    public HubException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
