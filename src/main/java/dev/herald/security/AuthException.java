package dev.herald.security;

/**
 * A refused credential or scope: {@link #reason()} is the JSON error and metric label, {@link #status()} the
 * HTTP answer (401 for a credential that is not valid, 403 for one that does not allow the request).
 */
public final class AuthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final String INVALID_TOKEN = "invalid-token";
    public static final String INSUFFICIENT_SCOPE = "insufficient-scope";
    public static final String FORBIDDEN_ORIGIN = "forbidden-origin";
    public static final String UNAUTHORIZED = "unauthorized";

    private final int status;
    private final String reason;

    private AuthException(int status, String reason, String message) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
    }

    /** No credential where one is needed. */
    public static AuthException missing(String message) {
        return new AuthException(401, UNAUTHORIZED, message);
    }

    public static AuthException invalid(String message) {
        return new AuthException(401, INVALID_TOKEN, message);
    }

    public static AuthException insufficientScope(String message) {
        return new AuthException(403, INSUFFICIENT_SCOPE, message);
    }

    public static AuthException forbiddenOrigin(String message) {
        return new AuthException(403, FORBIDDEN_ORIGIN, message);
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    /** The RFC 6750 {@code WWW-Authenticate} value for a 401/403 answer. */
    public String wwwAuthenticate() {
        return switch (reason) {
            case INVALID_TOKEN -> "Bearer error=\"invalid_token\"";
            case INSUFFICIENT_SCOPE -> "Bearer error=\"insufficient_scope\"";
            default -> "Bearer";
        };
    }
}
