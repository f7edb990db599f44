package dev.herald.publish;

import dev.herald.config.HeraldConfig;
import dev.herald.hub.Event;
import dev.herald.hub.Hub;
import dev.herald.hub.HubException;
import dev.herald.hub.OverflowPolicy;
import dev.herald.hub.Topics;
import dev.herald.observability.HeraldMetrics;
import dev.herald.observability.Tracing;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The one publish path: the HTTP API and the demo feed both come through here. Validates the event,
 * extracts the conflation key once, and makes retries with an Idempotency-Key safe.
 */
public final class PublishService {
    private final Hub hub;
    private final HeraldConfig config;
    private final byte[] token;
    private final HeraldMetrics metrics;
    private final IdempotencyKeys idempotencyKeys;
    private final Tracing tracing;

    public PublishService(Hub hub, HeraldConfig config, String token, HeraldMetrics metrics, Tracing tracing) {
        this.hub = hub;
        this.config = config;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.metrics = metrics;
        this.tracing = tracing;
        this.idempotencyKeys = new IdempotencyKeys(config.idempotencyMaxKeys(), config.hub().historyMaxAge());
    }

    public int maxEventBytes() {
        return config.maxEventBytes();
    }

    /** Constant-time check of a presented bearer token. */
    public boolean authorized(String presented) {
        return presented != null
                && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Publishes JSON text to a topic.
     *
     * @throws PublishException with the HTTP status and reason for anything that is not publishable
     */
    public String publish(String topic, String json, String idempotencyKey, String traceParent) {
        String problem = Topics.problemWith(topic);
        if (problem != null) {
            throw new PublishException(400, "invalid-topic", problem);
        }
        if (json.getBytes(StandardCharsets.UTF_8).length > config.maxEventBytes()) {
            throw new PublishException(413, "too-large",
                    "events are at most " + config.maxEventBytes() + " bytes (herald.max-event-bytes)");
        }
        JsonValue value = parse(json);
        OverflowPolicy policy = config.hub().policies().forTopic(topic);
        String key = policy.kind() == OverflowPolicy.Kind.CONFLATE ? keyOf(value, policy.conflationKey()) : null;
        try (Tracing.PublishTrace trace = tracing.startPublish(topic, traceParent)) {
            String carried = trace.traceParent();
            try {
                String id = idempotencyKey == null || idempotencyKey.isBlank()
                        ? hub.publish(topic, json, key, carried).id()
                        : idempotencyKeys.publishOnce(topic, idempotencyKey, () -> hub.publish(topic, json, key, carried));
                trace.published(id);
                return id;
            } catch (HubException e) {
                trace.failed(e.reason().label());
                throw e;
            }
        }
    }

    /** Counts a rejected publish; the API calls this for every refusal so metrics match responses. */
    public void rejected(String reason) {
        metrics.requestRejected("publish", reason);
    }

    private static JsonValue parse(String json) {
        try (JsonParser parser = Json.createParser(new StringReader(json))) {
            if (!parser.hasNext()) {
                throw new PublishException(400, "invalid-json", "the body is empty; send one JSON value");
            }
            parser.next();
            JsonValue value = parser.getValue();
            if (parser.hasNext()) {
                throw new PublishException(400, "invalid-json", "the body holds more than one JSON value");
            }
            return value;
        } catch (JsonParsingException e) {
            throw new PublishException(400, "invalid-json", "the body is not JSON: " + e.getMessage());
        } catch (jakarta.json.JsonException e) {
            throw new PublishException(400, "invalid-json", "the body is not JSON: " + e.getMessage());
        }
    }

    private static String keyOf(JsonValue value, String keyName) {
        if (!(value instanceof JsonObject object)) {
            return null;
        }
        JsonValue key = object.get(keyName);
        if (key instanceof JsonString text) {
            return text.getString();
        }
        if (key instanceof JsonNumber number) {
            return number.toString();
        }
        return null;
    }

    /** The publish an idempotency key guards. */
    interface EventSupplier {
        Event publish();
    }
}
