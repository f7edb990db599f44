package dev.herald.hub;

/** Why the server closed a subscriber; the label is the metric's reason and the client-visible reason. */
public enum CloseReason {
    /** The client went away or a write failed. */
    CLIENT_GONE("client-gone"),
    /** The queue overflowed on a topic whose policy is disconnect. */
    SLOW_CONSUMER("slow-consumer"),
    /** A write stayed pending longer than herald.write-timeout. */
    WRITE_TIMEOUT("write-timeout"),
    /**
     * The container's broadcaster gave up on the subscriber (Jersey's holds 256 events per registered sink
     * and drops the sink when they fill up): events were lost on the way, so the client must resume.
     */
    BROADCAST_OVERFLOW("broadcast-overflow"),
    /** The peer did not answer a heartbeat (WebSocket ping) within herald.ws.pong-timeout. */
    PONG_TIMEOUT("pong-timeout"),
    /** The client sent something the protocol does not allow. */
    BAD_REQUEST("bad-request"),
    /** The server is stopping. */
    SHUTDOWN("shutdown"),
    /** The token that allowed the connection expired (the client reconnects with a new one). */
    TOKEN_EXPIRED("token-expired"),
    /** An operator revoked the token's subject (DELETE /api/subjects/{sub}/connections). */
    REVOKED("revoked");

    private final String label;

    CloseReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Whether the client is told why with a last frame (SSE has no close code): the credential ended. */
    public boolean announced() {
        return this == TOKEN_EXPIRED || this == REVOKED;
    }

    /** True when the server ends the connection: the events it still held for the client are dropped. */
    public boolean serverInitiated() {
        return this != CLIENT_GONE;
    }
}
