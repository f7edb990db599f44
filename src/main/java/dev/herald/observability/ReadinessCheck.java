package dev.herald.observability;

import dev.herald.HeraldRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the hub runs; reports connections and topics so operators see load at a glance. */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {
    @Inject
    HeraldRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("herald-hub").up()
                .withData("epoch", runtime.hub().epoch())
                .withData("connections", runtime.hub().connectionCount())
                .withData("topics", runtime.hub().topicCount())
                .build();
    }
}
