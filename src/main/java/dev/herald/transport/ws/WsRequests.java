package dev.herald.transport.ws;

import dev.herald.HeraldRuntime;
import dev.herald.hub.HubException;
import dev.herald.hub.Subscriber;
import dev.herald.publish.PublishException;
import dev.herald.publish.PublishService;
import dev.herald.security.AuthException;
import dev.herald.security.Grants;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Session;

import java.time.Instant;
import java.util.List;

import static dev.herald.json.JsonSupport.JSON;

/**
 * What a WebSocket client may ask besides (un)subscribing: publish an event ({@code {"type":"publish",
 * "topic","data","ref","key"}} → {@code published} or {@code error}, the same checks, scopes, idempotency and
 * metrics as {@code POST /api/topics}) and renew its token ({@code {"type":"refresh","token"}} →
 * {@code refreshed}, or a close when the new token is invalid or narrower than the subscriptions). Answers go
 * through the subscriber, in order with its events.
 */
final class WsRequests {
    private WsRequests() {
    }

    static void publish(HeraldRuntime runtime, WsSink sink, JsonObject message) {
        Session session = sink.session();
        Subscriber subscriber = sink.subscriber();
        JsonValue ref = message.getOrDefault("ref", JsonValue.NULL);
        PublishService publisher = runtime.publisher();
        Grants grants;
        try {
            grants = publisherGrants(runtime, session);
        } catch (AuthException e) {
            publisher.rejected(e.reason());
            subscriber.reply(error(ref, e.reason(), e.getMessage()));
            return;
        }
        String topic = message.get("topic") instanceof JsonString name ? name.getString() : null;
        JsonValue data = message.get("data");
        JsonValue key = message.get("key");
        if (topic == null || data == null || (key != null && !(key instanceof JsonString))) {
            publisher.rejected("bad-message");
            subscriber.reply(error(ref, "bad-message", "expected {\"type\":\"publish\",\"topic\":…,\"data\":…}"));
            return;
        }
        if (!WsEndpoint.startPublish(session)) {
            publisher.rejected("too-many-pending");
            subscriber.reply(error(ref, "too-many-pending", "wait for the answers to earlier publishes"));
            return;
        }
        try {
            publisher.publish(grants, topic, data.toString(), key == null ? null : ((JsonString) key).getString(), null)
                    .whenComplete((id, failure) -> {
                        WsEndpoint.endPublish(session);
                        if (failure == null) {
                            subscriber.reply(answer("published", ref).add("id", id).build().toString());
                            return;
                        }
                        Throwable cause = PublishService.unwrap(failure);
                        String reason = cause instanceof HubException refused ? refused.reason().label() : "internal-error";
                        publisher.rejected(reason);
                        subscriber.reply(error(ref, reason, cause.getMessage()));
                    });
        } catch (AuthException e) {
            WsEndpoint.endPublish(session);
            publisher.rejected(e.reason());
            subscriber.reply(error(ref, e.reason(), e.getMessage()));
        } catch (PublishException e) {
            WsEndpoint.endPublish(session);
            publisher.rejected(e.reason());
            subscriber.reply(error(ref, e.reason(), e.getMessage()));
        } catch (HubException e) {
            WsEndpoint.endPublish(session);
            publisher.rejected(e.reason().label());
            subscriber.reply(error(ref, e.reason().label(), e.getMessage()));
        }
    }

    /** The session credential's grants, verified once; an expired one is refused. */
    private static Grants publisherGrants(HeraldRuntime runtime, Session session) {
        Grants grants = WsEndpoint.publishGrants(session);
        if (grants == null) {
            String credential = WsEndpoint.credential(session);
            if (credential == null) {
                throw AuthException.missing("publishing needs a token on the handshake (Authorization or cookie)");
            }
            grants = runtime.access().verifier().verify(credential);
            WsEndpoint.publishGrants(session, grants);
        }
        if (grants.expiresAt() != null && Instant.now().isAfter(grants.expiresAt())) {
            throw AuthException.invalid("the token expired; renew it with {\"type\":\"refresh\"}");
        }
        return grants;
    }

    static void refresh(HeraldRuntime runtime, WsSink sink, JsonObject message, WsEndpoint.Refusal refusal) {
        Session session = sink.session();
        Subscriber subscriber = sink.subscriber();
        String token = message.get("token") instanceof JsonString text ? text.getString() : null;
        if (token == null) {
            refusal.refuse(sink, CloseCodes.VIOLATED_POLICY, "bad-message", "expected {\"type\":\"refresh\",\"token\":…}");
            return;
        }
        Grants fresh;
        try {
            fresh = runtime.access().verifier().verify(token);
            runtime.access().checkSubscribe(fresh, subscriber.topics());
        } catch (AuthException e) {
            refusal.refuse(sink, CloseCodes.VIOLATED_POLICY, e.reason(), e.getMessage());
            return;
        }
        WsEndpoint.credential(session, token, fresh);
        subscriber.subject(fresh.subject());
        subscriber.expiresAt(fresh.expiresAt() == null ? Long.MAX_VALUE : fresh.expiresAt().toEpochMilli());
        JsonObjectBuilder answer = answer("refreshed", null);
        if (fresh.expiresAt() == null) {
            answer.addNull("exp");
        } else {
            answer.add("exp", fresh.expiresAt().getEpochSecond());
        }
        subscriber.reply(answer.build().toString());
    }

    private static JsonObjectBuilder answer(String type, JsonValue ref) {
        JsonObjectBuilder answer = JSON.createObjectBuilder().add("type", type);
        if (ref != null) {
            answer.add("ref", ref);
        }
        return answer;
    }

    private static String error(JsonValue ref, String reason, String message) {
        return answer("error", ref).add("error", reason).add("message", message == null ? reason : message)
                .build().toString();
    }
}
