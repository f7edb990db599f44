package dev.herald.limits;

/**
 * Limits outside the hub's own (connections per address and the pong deadline are hub settings).
 *
 * @param addresses            how a request's client address is found (herald.trusted-proxies)
 * @param publishRate          events per second one token subject may publish on this node; 0: no limit
 * @param publishBurst         events such a publisher may send at once after a quiet spell
 * @param wsMessagesPerSecond  messages a WebSocket client may send per second (burst: the same number)
 */
public record LimitSettings(ClientAddresses addresses, double publishRate, int publishBurst, int wsMessagesPerSecond) {
    /** Subjects with their own publish bucket; beyond, new subjects share one (see {@link RateLimits}). */
    public static final int MAX_PUBLISH_SUBJECTS = 10_000;

    public LimitSettings {
        if (publishRate < 0 || publishBurst < 1 || wsMessagesPerSecond < 1) {
            throw new IllegalArgumentException("herald.limits.publish-rate must not be negative, "
                    + "herald.limits.publish-burst and herald.ws.max-messages-per-second must be at least 1");
        }
    }

    public static LimitSettings defaults() {
        return new LimitSettings(ClientAddresses.NO_PROXIES, 0, 1, 50);
    }

    public RateLimits publishLimits() {
        return new RateLimits(publishRate, publishBurst, MAX_PUBLISH_SUBJECTS);
    }
}
