package dev.herald.api;

import dev.herald.HeraldRuntime;
import dev.herald.hub.HubException;
import dev.herald.publish.PublishService;
import dev.herald.security.AuthException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static dev.herald.json.JsonSupport.JSON;

/**
 * {@code DELETE /api/subjects/{sub}/connections} (operator token only): every node closes the connections
 * opened with a token of this subject, reason {@code revoked} — through the log, so with Redis on all nodes.
 * 202: the request is stored for every node; the closes follow within the nodes' read lag.
 */
@Path("/subjects/{subject}/connections")
@ApplicationScoped
public class SubjectResource {
    @Inject
    HeraldRuntime runtime;

    @DELETE
    public CompletionStage<Response> revoke(@PathParam("subject") String subject,
                                            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        try {
            runtime.access().operator(authorization);
        } catch (AuthException e) {
            runtime.metrics().requestRejected("operator", e.reason());
            return CompletableFuture.completedFuture(TopicResource.refused(e));
        }
        if (subject == null || subject.isBlank() || subject.length() > 256) {
            runtime.metrics().requestRejected("operator", "bad-message");
            return CompletableFuture.completedFuture(
                    TopicResource.error(400, "bad-message", "a subject of 1 to 256 characters"));
        }
        return runtime.hub().log().revoke(subject).handle((done, failure) -> {
            if (failure == null) {
                return Response.accepted(JSON.createObjectBuilder().add("subject", subject).build().toString())
                        .type(MediaType.APPLICATION_JSON).build();
            }
            Throwable cause = PublishService.unwrap(failure);
            String reason = cause instanceof HubException refused ? refused.reason().label() : "internal-error";
            runtime.metrics().requestRejected("operator", reason);
            return Response.fromResponse(TopicResource.error(503, reason, String.valueOf(cause.getMessage())))
                    .header("Retry-After", HubException.RETRY_AFTER_SECONDS).build();
        });
    }
}
