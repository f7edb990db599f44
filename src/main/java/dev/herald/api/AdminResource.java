package dev.herald.api;

import dev.herald.HeraldRuntime;
import dev.herald.security.AuthException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;

import static dev.herald.json.JsonSupport.JSON;

/**
 * {@code POST /api/admin/drain} (operator token only): the graceful drain, for a Kubernetes {@code preStop} hook.
 * 202 with the grace and the period; calling it again changes nothing and answers the same.
 */
@Path("/admin/drain")
@ApplicationScoped
public class AdminResource {
    @Inject
    HeraldRuntime runtime;

    @POST
    public Response drain(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        try {
            runtime.access().operator(authorization);
        } catch (AuthException e) {
            runtime.metrics().requestRejected("operator", e.reason());
            return TopicResource.refused(e);
        }
        Duration[] timings = runtime.startDrain("POST /api/admin/drain");
        return Response.accepted(JSON.createObjectBuilder().add("draining", true)
                        .add("graceSeconds", timings[0].toMillis() / 1000.0)
                        .add("periodSeconds", timings[1].toMillis() / 1000.0).build().toString())
                .type(MediaType.APPLICATION_JSON).build();
    }
}
