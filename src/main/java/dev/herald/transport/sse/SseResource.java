package dev.herald.transport.sse;

import dev.herald.HeraldRuntime;
import dev.herald.hub.BroadcastGroup;
import dev.herald.hub.Hub;
import dev.herald.hub.HubException;
import dev.herald.security.AuthException;
import dev.herald.security.Grants;
import dev.herald.json.JsonSupport;
import dev.herald.transport.ClientAddress;
import dev.herald.transport.SubscribeRequest;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.List;

/**
 * {@code GET /api/events} on the JAX-RS engine (herald.sse.engine=jaxrs). Fan-out goes through
 * {@link jakarta.ws.rs.sse.SseBroadcaster}s, one per distinct topic set ({@link TopicSetBroadcast}); each
 * connection's events pass its bounded queue on the way to the container's sink, whose calls run on the
 * {@link BlockingSendPool}. With the servlet engine the servlet registered at the exact path takes
 * precedence over this resource.
 */
@Path("/events")
@ApplicationScoped
public class SseResource {
    @Inject
    HeraldRuntime runtime;

    private volatile JaxrsFrames frames;
    private volatile BlockingSendPool sendPool;
    private volatile BroadcastGroup.Factory groups;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@QueryParam("topic") List<String> topics,
                       @QueryParam("lastEventId") String queryLastEventId,
                       @HeaderParam("Last-Event-ID") String headerLastEventId,
                       @HeaderParam("Authorization") String authorization,
                       @QueryParam("access_token") String queryToken,
                       @Context HttpHeaders headers,
                       @Context SseEventSink eventSink, @Context Sse sse, @Context HttpServletRequest request,
                       @Context HttpServletResponse response) {
        Hub hub = runtime.hub();
        SubscribeRequest subscribe = SubscribeRequest.of(topics.toArray(String[]::new), headerLastEventId,
                queryLastEventId);
        try {
            hub.validate(subscribe.topics());
        } catch (HubException e) {
            throw refused(e);
        }
        Grants grants;
        try {
            Cookie cookie = headers.getCookies().get(runtime.access().settings().cookie());
            grants = runtime.access().subscriber(subscribe.topics(), authorization, cookie == null ? null : cookie.getValue(),
                    queryToken, headers.getHeaderString("Origin"), headers.getHeaderString(HttpHeaders.HOST));
        } catch (AuthException e) {
            runtime.metrics().requestRejected("sse", e.reason());
            throw new WebApplicationException(Response.status(e.status()).type(MediaType.APPLICATION_JSON)
                    .header("WWW-Authenticate", e.wwwAuthenticate())
                    .entity(JsonSupport.error(e.reason(), e.getMessage())).build());
        }
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        JaxrsFrames encoder = frames(sse);
        JaxrsSseSink sink = new JaxrsSseSink(eventSink, encoder,
                runtime.config().sseRetry().toMillis(), sendPool(),
                ClientAddress.of(request, runtime.config().limits().addresses()));
        try {
            grants.limit(hub.subscribe(subscribe.topics(), subscribe.lastEventId(), sink, groups).subscriber());
        } catch (HubException e) {
            // nothing was sent on the sink: the runtime answers with this status instead of a stream
            throw refused(e);
        }
    }

    /** The status (503 with Retry-After for limits), the JSON reason, and the count. */
    private WebApplicationException refused(HubException e) {
        runtime.metrics().requestRejected("sse", e.reason().label());
        int status = SseResponses.status(e);
        Response.ResponseBuilder answer = Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(JsonSupport.error(e.reason().label(), e.getMessage()));
        if (SseResponses.temporary(status)) {
            answer.header("Retry-After", HubException.RETRY_AFTER_SECONDS);
        }
        return new WebApplicationException(answer.build());
    }

    /** Made with the first request's {@link Sse} (the runtime's one instance), with the groups that use it. */
    private JaxrsFrames frames(Sse sse) {
        JaxrsFrames current = frames;
        if (current == null) {
            synchronized (this) {
                current = frames;
                if (current == null) {
                    current = new JaxrsFrames(sse);
                    JaxrsFrames encoder = current;
                    int lanes = runtime.config().hub().writerThreads();
                    groups = topics -> new TopicSetBroadcast(sse, encoder.eventFormat(), lanes);
                    frames = current;
                }
            }
        }
        return current;
    }

    private BlockingSendPool sendPool() {
        BlockingSendPool current = sendPool;
        if (current == null) {
            synchronized (this) {
                current = sendPool;
                if (current == null) {
                    // at most one send and one close per connection wait at a time
                    current = new BlockingSendPool(runtime.config().sseSendThreads(),
                            2 * runtime.config().hub().maxConnections());
                    sendPool = current;
                }
            }
        }
        return current;
    }

    @PreDestroy
    void stop() {
        BlockingSendPool current = sendPool;
        if (current != null) {
            current.close();
        }
    }
}
