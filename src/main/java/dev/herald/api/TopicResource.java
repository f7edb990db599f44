package dev.herald.api;

import dev.herald.HeraldRuntime;
import dev.herald.hub.Hub;
import dev.herald.hub.HubException;
import dev.herald.hub.Topics;
import dev.herald.publish.PublishException;
import dev.herald.publish.PublishService;
import dev.herald.security.AccessControl;
import dev.herald.security.AuthException;
import dev.herald.security.Grants;
import dev.herald.json.JsonSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static dev.herald.json.JsonSupport.JSON;

/**
 * {@code POST /api/topics/{topic}} publishes; {@code GET /api/topics/{topic}} describes the topic: this node's
 * subscribers, and the retained history of the log (with Redis: of the shared stream).
 */
@Path("/topics/{topic}")
@ApplicationScoped
public class TopicResource {
    @Inject
    HeraldRuntime runtime;

    @POST
    public CompletionStage<Response> publish(@PathParam("topic") String topic,
                            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                            @HeaderParam("Idempotency-Key") String idempotencyKey,
                            @HeaderParam("traceparent") String traceParent,
                            @HeaderParam("Origin") String origin,
                            @HeaderParam(HttpHeaders.HOST) String host,
                            @Context HttpHeaders headers,
                            InputStream body) {
        PublishService publisher = runtime.publisher();
        try {
            AccessControl access = runtime.access();
            Cookie cookie = headers.getCookies().get(access.settings().cookie());
            Grants grants = access.publisher(authorization, cookie == null ? null : cookie.getValue(), origin, host);
            String problem = Topics.problemWith(topic);
            if (problem != null) {
                throw new PublishException(400, "invalid-topic", problem);
            }
            if (!isJson(contentType)) {
                throw new PublishException(415, "unsupported-media-type", "send Content-Type: application/json");
            }
            String json = readUtf8(body, publisher.maxEventBytes());
            return publisher.publish(grants, topic, json, idempotencyKey, traceParent).handle((id, failure) -> {
                if (failure == null) {
                    return Response.accepted(JSON.createObjectBuilder().add("id", id).build().toString())
                            .type(MediaType.APPLICATION_JSON).build();
                }
                Throwable cause = PublishService.unwrap(failure);
                if (cause instanceof HubException refused) {
                    return refused(publisher, refused);
                }
                publisher.rejected("internal-error");
                return error(500, "internal-error", "the publish failed: " + cause);
            });
        } catch (AuthException e) {
            publisher.rejected(e.reason());
            return CompletableFuture.completedFuture(refused(e));
        } catch (PublishException e) {
            publisher.rejected(e.reason());
            Response answer = error(e.status(), e.reason(), e.getMessage());
            return CompletableFuture.completedFuture(e.retryAfterSeconds() == 0 ? answer
                    : Response.fromResponse(answer).header("Retry-After", Long.toString(e.retryAfterSeconds())).build());
        } catch (HubException e) {
            return CompletableFuture.completedFuture(refused(publisher, e));
        }
    }

    /** 400 invalid topic, 422 reused Idempotency-Key, otherwise 503 with Retry-After (limits, log unavailable). */
    private static Response refused(PublishService publisher, HubException e) {
        publisher.rejected(e.reason().label());
        return switch (e.reason()) {
            case INVALID_TOPIC -> error(400, e.reason().label(), e.getMessage());
            case IDEMPOTENCY_KEY_REUSED -> error(422, e.reason().label(), e.getMessage());
            default -> Response.fromResponse(error(503, e.reason().label(), e.getMessage()))
                    .header("Retry-After", HubException.RETRY_AFTER_SECONDS).build();
        };
    }

    @GET
    public Response info(@PathParam("topic") String topic) {
        String problem = Topics.problemWith(topic);
        if (problem != null) {
            return error(400, "invalid-topic", problem);
        }
        Hub.TopicInfo info;
        try {
            info = runtime.hub().topicInfo(topic);
        } catch (HubException e) {
            // the Redis log describes a topic from the stream: unreachable Redis is a temporary 503
            return Response.fromResponse(error(503, e.reason().label(), e.getMessage()))
                    .header("Retry-After", HubException.RETRY_AFTER_SECONDS).build();
        }
        JsonObjectBuilder body = JSON.createObjectBuilder().add("topic", topic);
        if (info == null) {
            body.add("subscribers", 0).addNull("lastId").add("retainedEvents", 0).add("retainedBytes", 0)
                    .addNull("oldestId");
        } else {
            body.add("subscribers", info.subscribers()).add("retainedEvents", info.retainedEvents())
                    .add("retainedBytes", info.retainedBytes());
            nullable(body, "lastId", info.lastId());
            nullable(body, "oldestId", info.oldestId());
        }
        return Response.ok(body.build().toString(), MediaType.APPLICATION_JSON).build();
    }

    private static void nullable(JsonObjectBuilder body, String name, String value) {
        if (value == null) {
            body.addNull(name);
        } else {
            body.add(name, value);
        }
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    /** Reads at most limit bytes; one more means the event is too large, whatever Content-Length claimed. */
    private static String readUtf8(InputStream body, int limit) {
        try {
            byte[] bytes = body == null ? new byte[0] : body.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw new PublishException(413, "too-large",
                        "events are at most " + limit + " bytes (herald.max-event-bytes)");
            }
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PublishException(400, "invalid-json", "the body is not UTF-8");
        } catch (IOException e) {
            throw new PublishException(400, "invalid-json", "the body could not be read: " + e.getMessage());
        }
    }

    /** A refused credential or scope: its status, JSON reason and WWW-Authenticate (also the operator API's). */
    static Response refused(AuthException e) {
        return Response.fromResponse(error(e.status(), e.reason(), e.getMessage()))
                .header(HttpHeaders.WWW_AUTHENTICATE, e.wwwAuthenticate()).build();
    }

    static Response error(int status, String reason, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(JsonSupport.error(reason, message)).build();
    }
}
