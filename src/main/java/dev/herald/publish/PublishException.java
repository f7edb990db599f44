package dev.herald.publish;

/** A publish that is refused: HTTP status, a stable reason code (also the metric label) and a message. */
public final class PublishException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String reason;
    private final long retryAfterSeconds;

    public PublishException(int status, String reason, String message) {
        this(status, reason, message, 0);
    }

    /** @param retryAfterSeconds the answer's Retry-After; 0: none */
    public PublishException(int status, String reason, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }
}
