package dev.herald;

import dev.herald.hub.Hub;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the hub runs, its event log accepts and delivers (the same condition as
 * {@code herald_backplane_up}) and no drain has begun; reports connections and topics so operators see load at a glance.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {
    @Inject
    HeraldRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        Hub hub = runtime.hub();
        boolean draining = runtime.draining();
        return HealthCheckResponse.named("herald-hub").status(hub.backplaneUp() && !draining)
                .withData("backplane", hub.backplaneUp() ? "up" : "down")
                .withData("draining", draining)
                .withData("connections", hub.connectionCount())
                .withData("topics", hub.topicCount())
                .build();
    }
}
