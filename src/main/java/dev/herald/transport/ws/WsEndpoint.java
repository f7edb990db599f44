package dev.herald.transport.ws;

import dev.herald.HeraldRuntime;
import dev.herald.hub.CloseReason;
import dev.herald.hub.Hub;
import dev.herald.hub.HubException;
import dev.herald.hub.Subscriber;
import dev.herald.security.AuthException;
import dev.herald.security.Grants;
import dev.herald.transport.SubscribeRequest;
import dev.herald.json.JsonSupport;
import static dev.herald.json.JsonSupport.JSON;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code /ws/events}: one shared endpoint instance for all sessions (see {@link WsRegistration}); the
 * per-session state is the sink, kept in the session's user properties.
 */
public final class WsEndpoint extends Endpoint {
    private static final String SINK = "herald.sink";
    /** What the session's credential allows (checked again when it subscribes to more topics). */
    private static final String GRANTS = "herald.grants";
    /** The session's credential (token text), for publishes and renewals. */
    private static final String CREDENTIAL = "herald.credential";
    /** Grants for publishing, verified at the first publish (or renewal). */
    private static final String PUBLISH_GRANTS = "herald.publish-grants";
    private static final String IN_FLIGHT = "herald.publishes-in-flight";
    /** Publishes one session may have unanswered. */
    private static final int MAX_IN_FLIGHT_PUBLISHES = 32;
    /** An inbound message may carry a publish: an event plus its envelope; larger ones are refused with 1009. */
    private final int maxInboundBytes;

    private final HeraldRuntime runtime;

    WsEndpoint(HeraldRuntime runtime) {
        this.runtime = runtime;
        this.maxInboundBytes = runtime.config().maxEventBytes() + 1024;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        // heartbeats (pings) and the write timeout detect dead peers; no per-session idle timer is needed
        session.setMaxIdleTimeout(0);
        session.setMaxTextMessageBufferSize(maxInboundBytes);
        session.setMaxBinaryMessageBufferSize(maxInboundBytes);
        Map<String, List<String>> parameters = session.getRequestParameterMap();
        List<String> topics = parameters.getOrDefault("topic", List.of());
        List<String> lastIds = parameters.get("lastEventId");
        SubscribeRequest request = SubscribeRequest.of(topics.toArray(String[]::new), null,
                lastIds == null || lastIds.isEmpty() ? null : lastIds.get(0));
        Hub hub = runtime.hub();
        WsHandshake handshake = handshakeOf(session);
        WsSink sink = new WsSink(session, handshake.clientAddress());
        session.getUserProperties().put(SINK, sink);
        Grants grants;
        try {
            List<String> queryTokens = parameters.get("access_token");
            grants = runtime.access().subscriber(request.topics(), handshake.authorization(), handshake.cookieToken(),
                    queryTokens == null || queryTokens.isEmpty() ? null : queryTokens.get(0));
        } catch (AuthException e) {
            // a refused handshake shows browsers only 1006: accept, then close with the reason
            runtime.metrics().requestRejected("ws", e.reason());
            closeQuietly(session, WsCloses.close(CloseCodes.VIOLATED_POLICY, e.reason(), e.getMessage()));
            return;
        }
        session.getUserProperties().put(GRANTS, grants);
        session.getUserProperties().put(IN_FLIGHT, new java.util.concurrent.atomic.AtomicInteger());
        String credential = credentialOf(session);
        if (credential != null) {
            session.getUserProperties().put(CREDENTIAL, credential);
        }
        try {
            grants.limit(hub.subscribe(request.topics(), request.lastEventId(), sink).subscriber());
        } catch (HubException e) {
            runtime.metrics().requestRejected("ws", e.reason().label());
            CloseCodes code = switch (e.reason()) {
                case CONNECTION_LIMIT, ADDRESS_LIMIT, TOPIC_LIMIT, DRAINING, BACKPLANE_UNAVAILABLE -> CloseCodes.TRY_AGAIN_LATER;
                case CLOSED -> CloseCodes.GOING_AWAY;
                default -> CloseCodes.VIOLATED_POLICY;
            };
            closeQuietly(session, WsCloses.close(code, e.reason().label(), e.getMessage()));
            return;
        }
        session.addMessageHandler(String.class, new WsInbound(sink, maxInboundBytes,
                runtime.config().limits().wsMessagesPerSecond(), this::refuse, this::onControl));
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) pong -> {
            Subscriber subscriber = sink.subscriber();
            if (subscriber != null) {
                subscriber.heartbeatAnswered();
            }
        });
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) bytes ->
                refuse(sink, CloseCodes.CANNOT_ACCEPT, "bad-message", "binary messages are not accepted"));
    }

    private void onControl(WsSink sink, String text) {
        Subscriber subscriber = sink.subscriber();
        JsonObject message;
        if (JsonSupport.nestedTooDeeply(text)) {
            // JSON-P would build it recursively and overflow the container thread's stack
            refuse(sink, CloseCodes.CANNOT_ACCEPT, "bad-message", "nested deeper than " + JsonSupport.MAX_DEPTH + " levels");
            return;
        }
        try (JsonReader reader = JSON.createReader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            if (!(value instanceof JsonObject object)) {
                refuse(sink, CloseCodes.CANNOT_ACCEPT, "bad-message", "send a JSON object");
                return;
            }
            message = object;
        } catch (JsonException | IllegalStateException e) {
            refuse(sink, CloseCodes.CANNOT_ACCEPT, "bad-message", "not JSON");
            return;
        } catch (RuntimeException e) {
            // the provider's own limits (Parsson: numbers of more than 1100 characters) are plain runtime exceptions
            refuse(sink, CloseCodes.CANNOT_ACCEPT, "bad-message", "JSON beyond the parser's limits");
            return;
        }
        String type = message.get("type") instanceof JsonString name ? name.getString() : "";
        if (type.equals("publish")) {
            WsRequests.publish(runtime, sink, message);
            return;
        }
        if (type.equals("refresh")) {
            WsRequests.refresh(runtime, sink, message, this::refuse);
            return;
        }
        List<String> topics = topicsOf(message);
        if (topics == null || (!type.equals("subscribe") && !type.equals("unsubscribe"))) {
            refuse(sink, CloseCodes.VIOLATED_POLICY, "bad-message",
                    "expected {\"type\":\"subscribe\"|\"unsubscribe\",\"topics\":[…]}, refresh or publish");
            return;
        }
        try {
            if (type.equals("subscribe")) {
                Object grants = sink.session().getUserProperties().get(GRANTS);
                runtime.access().checkSubscribe(grants instanceof Grants known ? known : Grants.ANONYMOUS, topics);
                runtime.hub().addTopics(subscriber, topics);
            } else {
                runtime.hub().removeTopics(subscriber, topics);
            }
        } catch (HubException e) {
            refuse(sink, CloseCodes.VIOLATED_POLICY, e.reason().label(), e.getMessage());
        } catch (AuthException e) {
            refuse(sink, CloseCodes.VIOLATED_POLICY, e.reason(), e.getMessage());
        }
    }

    private static List<String> topicsOf(JsonObject message) {
        JsonValue value = message.get("topics");
        if (!(value instanceof JsonArray array) || array.isEmpty()) {
            return null;
        }
        List<String> topics = new ArrayList<>(array.size());
        for (JsonValue item : array) {
            if (!(item instanceof JsonString name)) {
                return null;
            }
            topics.add(name.getString());
        }
        return topics;
    }

    private static WsHandshake handshakeOf(Session session) {
        return session.getUserProperties().get(WsHandshake.KEY) instanceof WsHandshake known ? known : WsHandshake.NONE;
    }

    /** The token the handshake carried (see {@link dev.herald.security.AccessControl#credential}). */
    private String credentialOf(Session session) {
        WsHandshake handshake = handshakeOf(session);
        List<String> query = session.getRequestParameterMap().get("access_token");
        return runtime.access().credential(handshake.authorization(), handshake.cookieToken(),
                query == null || query.isEmpty() ? null : query.get(0));
    }

    /** What a refusal needs from the endpoint: count it, tell the client, close its subscriber. */
    interface Refusal {
        void refuse(WsSink sink, CloseCodes code, String reason, String message);
    }

    static String credential(Session session) {
        return session.getUserProperties().get(CREDENTIAL) instanceof String token ? token : null;
    }

    static void credential(Session session, String token, Grants grants) {
        session.getUserProperties().put(CREDENTIAL, token);
        session.getUserProperties().put(PUBLISH_GRANTS, grants);
        session.getUserProperties().put(GRANTS, grants);
    }

    static Grants publishGrants(Session session) {
        return session.getUserProperties().get(PUBLISH_GRANTS) instanceof Grants grants ? grants : null;
    }

    static void publishGrants(Session session, Grants grants) {
        session.getUserProperties().put(PUBLISH_GRANTS, grants);
    }

    /** Takes a slot for a publish; false when the session already has {@link #MAX_IN_FLIGHT_PUBLISHES}. */
    static boolean startPublish(Session session) {
        Object counter = session.getUserProperties().get(IN_FLIGHT);
        if (!(counter instanceof java.util.concurrent.atomic.AtomicInteger inFlight)) {
            return false;
        }
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT_PUBLISHES) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    static void endPublish(Session session) {
        if (session.getUserProperties().get(IN_FLIGHT) instanceof java.util.concurrent.atomic.AtomicInteger inFlight) {
            inFlight.decrementAndGet();
        }
    }

    private void refuse(WsSink sink, CloseCodes code, String reason, String message) {
        runtime.metrics().requestRejected("ws", reason);
        sink.badRequest(code, reason, message);
        Subscriber subscriber = sink.subscriber();
        if (subscriber != null) {
            runtime.hub().close(subscriber, CloseReason.BAD_REQUEST);
        }
    }

    @Override
    public void onClose(Session session, jakarta.websocket.CloseReason closeReason) {
        release(session);
    }

    @Override
    public void onError(Session session, Throwable failure) {
        release(session);
    }

    private void release(Session session) {
        Object sink = session.getUserProperties().get(SINK);
        if (sink instanceof WsSink wsSink && wsSink.subscriber() != null) {
            runtime.hub().close(wsSink.subscriber(), CloseReason.CLIENT_GONE);
        }
    }

    private static void closeQuietly(Session session, jakarta.websocket.CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException e) {
            // the peer left before hearing why
        }
    }
}
