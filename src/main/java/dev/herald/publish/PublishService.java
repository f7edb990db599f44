package dev.herald.publish;

import dev.herald.config.HeraldConfig;
import dev.herald.hub.EventLog;
import dev.herald.hub.HeraldMetrics;
import dev.herald.hub.HubException;
import dev.herald.hub.OverflowPolicy;
import dev.herald.hub.Topics;
import dev.herald.json.JsonSupport;
import dev.herald.limits.RateLimits;
import dev.herald.observability.Tracing;
import dev.herald.security.AccessControl;
import dev.herald.security.AuthException;
import dev.herald.security.Grants;
import jakarta.json.stream.JsonParser;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import static dev.herald.json.JsonSupport.JSON;

/**
 * The one publish path: the HTTP API and the demo feed both come through here. Validates the event,
 * extracts the conflation key once, fingerprints bodies sent with an Idempotency-Key, and appends to the log.
 */
public final class PublishService {
    private final EventLog log;
    private final HeraldConfig config;
    private final AccessControl access;
    private final HeraldMetrics metrics;
    private final Tracing tracing;
    /** Per token subject (herald.limits.publish-rate); the trusted path (demo feed) is not limited. */
    private final RateLimits rates;
    private volatile boolean refusing;

    public PublishService(EventLog log, HeraldConfig config, AccessControl access, HeraldMetrics metrics,
                          Tracing tracing) {
        this.log = log;
        this.config = config;
        this.access = access;
        this.metrics = metrics;
        this.tracing = tracing;
        this.rates = config.limits().publishLimits();
    }

    public int maxEventBytes() {
        return config.maxEventBytes();
    }

    /**
     * A publish by a client whose credential gave these grants: every client publish path (HTTP, WebSocket)
     * comes through here, so the scope check is the same everywhere.
     *
     * @throws AuthException when the grants do not allow the topic (after the topic itself was checked)
     */
    public CompletionStage<String> publish(Grants grants, String topic, String json, String idempotencyKey,
                                           String traceParent) {
        String problem = Topics.problemWith(topic);
        if (problem != null) {
            throw new PublishException(400, "invalid-topic", problem);
        }
        access.checkPublish(grants, topic);
        Prepared event = prepare(topic, json);
        takeRate(grants, 1);
        return append(event, idempotencyKey, traceParent);
    }

    /**
     * One event of the publisher's rate, or 429 with the seconds until the next one is allowed. The static
     * publish token is the operator's own backend and is not limited; JWTs without a subject share one budget.
     */
    private void takeRate(Grants grants, int events) {
        if (grants.operator()) {
            return;
        }
        String publisher = grants.subject() != null ? grants.subject() : "";
        long waitNanos = rates.tryTake(publisher, events, System.nanoTime());
        if (waitNanos > 0) {
            throw new PublishException(429, "rate-limited", "at most " + config.limits().publishRate()
                    + " events per second per publisher (herald.limits.publish-rate)",
                    Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L));
        }
    }

    /** A checked event: its text, bytes and conflation key. */
    private record Prepared(String topic, String json, byte[] body, String conflationKey) {
    }

    /**
     * Publishes JSON text to a topic, trusted (the demo feed; clients come through the grants-checking
     * overload); the stage completes with the event's id once the log stored it.
     *
     * @throws PublishException with the HTTP status and reason for anything that is not publishable; the
     *                          stage fails with a {@link HubException} when the log refuses
     */
    public CompletionStage<String> publish(String topic, String json, String idempotencyKey, String traceParent) {
        return append(prepare(topic, json), idempotencyKey, traceParent);
    }

    private Prepared prepare(String topic, String json) {
        String problem = Topics.problemWith(topic);
        if (problem != null) {
            throw new PublishException(400, "invalid-topic", problem);
        }
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        if (body.length > config.maxEventBytes()) {
            throw new PublishException(413, "too-large",
                    "events are at most " + config.maxEventBytes() + " bytes (herald.max-event-bytes)");
        }
        OverflowPolicy policy = config.hub().policies().forTopic(topic);
        String conflationKey = validate(json, policy.kind() == OverflowPolicy.Kind.CONFLATE ? policy.conflationKey() : null);
        return new Prepared(topic, json, body, conflationKey);
    }

    /** A drain: from now on every publish is refused with 503 draining (the client retries on another node). */
    public void refuseNewPublishes() {
        refusing = true;
    }

    private CompletionStage<String> append(Prepared event, String idempotencyKey, String traceParent) {
        if (refusing) {
            throw new PublishException(503, "draining", "this node is draining; publish to another one",
                    Long.parseLong(HubException.RETRY_AFTER_SECONDS));
        }
        String topic = event.topic();
        String key = idempotencyKey == null || idempotencyKey.isBlank() ? null : idempotencyKey;
        Tracing.PublishTrace trace = tracing.startPublish(topic, traceParent);
        CompletionStage<String> appended;
        try {
            appended = log.append(new EventLog.Append(topic, event.json(), event.conflationKey(), key,
                    key == null ? null : sha256(event.body()), trace.traceParent())).thenApply(position -> position.id());
        } catch (RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        } finally {
            trace.detach();
        }
        return appended.whenComplete((id, failure) -> {
            if (failure == null) {
                metrics.eventPublished();
                trace.published(id);
            } else {
                Throwable cause = unwrap(failure);
                trace.failed(cause instanceof HubException hub ? hub.reason().label() : "error");
            }
            trace.close();
        });
    }

    /** The cause of a failed stage, without CompletionException wrappers. */
    public static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Counts a rejected publish; the API calls this for every refusal so metrics match responses. */
    public void rejected(String reason) {
        metrics.requestRejected("publish", reason);
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Checks that the text is one JSON value nested at most {@link JsonSupport#MAX_DEPTH} deep, and returns the
     * conflation key: the string or number member {@code keyName} of a top-level object (the last one if it
     * is repeated), or null. Event by event, without building the value: JSON-P builds nested values
     * recursively (deep input overflows the stack) and refuses numbers longer than its own limit.
     */
    private static String validate(String json, String keyName) {
        String key = null;
        try (JsonParser parser = JSON.createParser(new StringReader(json))) {
            if (!parser.hasNext()) {
                throw new PublishException(400, "invalid-json", "the body is empty; send one JSON value");
            }
            int depth = 0;
            boolean topLevelObject = false;
            boolean keyNext = false;
            do {
                JsonParser.Event event = parser.next();
                switch (event) {
                    case START_OBJECT, START_ARRAY -> {
                        topLevelObject |= depth == 0 && event == JsonParser.Event.START_OBJECT;
                        if (keyNext) {
                            key = null;
                        }
                        if (++depth > JsonSupport.MAX_DEPTH) {
                            throw new PublishException(400, "invalid-json",
                                    "the body nests arrays and objects deeper than " + JsonSupport.MAX_DEPTH + " levels");
                        }
                    }
                    case END_OBJECT, END_ARRAY -> depth--;
                    case KEY_NAME -> {
                        keyNext = keyName != null && topLevelObject && depth == 1 && parser.getString().equals(keyName);
                        continue;
                    }
                    case VALUE_STRING -> key = keyNext ? parser.getString() : key;
                    case VALUE_NUMBER -> key = keyNext ? numberText(parser) : key;
                    default -> key = keyNext ? null : key;
                }
                keyNext = false;
            } while (depth > 0);
            if (parser.hasNext()) {
                throw new PublishException(400, "invalid-json", "the body holds more than one JSON value");
            }
            return key;
        } catch (jakarta.json.JsonException e) {
            // JsonParsingException included
            throw new PublishException(400, "invalid-json", "the body is not JSON: " + e.getMessage());
        }
    }

    /** A number as the conflation key: as JsonNumber.toString() writes it, the text itself when that is too long. */
    private static String numberText(JsonParser parser) {
        try {
            return parser.getBigDecimal().toString();
        } catch (RuntimeException e) {
            return parser.getString();
        }
    }
}
