package dev.herald.api;

import dev.herald.HeraldRuntime;
import dev.herald.security.AuthException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static dev.herald.json.JsonSupport.JSON;

/**
 * {@code POST /api/admin/drain} (operator token only): the graceful drain, for a Kubernetes {@code preStop} hook.
 * 202 with the grace and the period ({@code ?wait=true}: 200 once it has ended); calling it again changes nothing.
 */
@Path("/admin/drain")
@ApplicationScoped
public class AdminResource {
    @Inject
    HeraldRuntime runtime;

    /**
     * @param wait {@code true}: answer 200 only when the drain has ended (a preStop hook must block until then:
     *             Kubernetes sends SIGTERM as soon as the hook returns)
     */
    @POST
    public CompletionStage<Response> drain(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                           @QueryParam("wait") boolean wait) {
        try {
            runtime.access().operator(authorization);
        } catch (AuthException e) {
            runtime.metrics().requestRejected("operator", e.reason());
            return CompletableFuture.completedFuture(TopicResource.refused(e));
        }
        HeraldRuntime.DrainState drain = runtime.startDrain("POST /api/admin/drain");
        String body = JSON.createObjectBuilder().add("draining", true)
                .add("graceSeconds", drain.grace().toMillis() / 1000.0)
                .add("periodSeconds", drain.period().toMillis() / 1000.0).build().toString();
        if (!wait) {
            return CompletableFuture.completedFuture(Response.accepted(body).type(MediaType.APPLICATION_JSON).build());
        }
        return drain.done().thenApply(ignored -> Response.ok(body, MediaType.APPLICATION_JSON).build());
    }
}
