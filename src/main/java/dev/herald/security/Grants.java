package dev.herald.security;

import dev.herald.hub.Subscriber;
import dev.herald.hub.TopicSelector;

import java.time.Instant;
import java.util.List;

/**
 * What a verified token allows: the topics its holder may publish to and subscribe to, until when.
 *
 * @param subject   the token's {@code sub} (null for the operator token and for tokens without one)
 * @param expiresAt when the token stops being valid (a live connection is closed then), or null: never
 * @param operator  the static operator token: everything, and the operator endpoints
 */
public record Grants(String subject, List<TopicSelector> publish, List<TopicSelector> subscribe, Instant expiresAt,
                     boolean operator) {
    /** No token: public topics only, no publishing. */
    public static final Grants ANONYMOUS = new Grants(null, List.of(), List.of(), null, false);
    public static final Grants OPERATOR = new Grants(null, List.of(new TopicSelector("*")),
            List.of(new TopicSelector("*")), null, true);

    public boolean mayPublish(String topic) {
        return TopicSelector.anyMatches(publish, topic);
    }

    public boolean maySubscribe(String topic) {
        return TopicSelector.anyMatches(subscribe, topic);
    }

    /**
     * Binds the connection these grants allowed to them: it ends when they expire, and when an operator revokes
     * their subject.
     */
    public void limit(Subscriber subscriber) {
        if (subject != null) {
            subscriber.subject(subject);
        }
        if (expiresAt != null) {
            subscriber.expiresAt(expiresAt.toEpochMilli());
        }
    }
}
