package dev.herald.publish;

/** A publish that is refused: HTTP status, a stable reason code (also the metric label) and a message. */
public final class PublishException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String reason;

    public PublishException(int status, String reason, String message) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }
}
