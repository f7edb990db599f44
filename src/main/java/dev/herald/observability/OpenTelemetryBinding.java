package dev.herald.observability;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.inject.Inject;

/**
 * The server's OpenTelemetry instance (MicroProfile Telemetry on Payara, the OpenTelemetry subsystem on
 * WildFly), or the global one. Only touched when the OpenTelemetry API is present.
 */
@ApplicationScoped
public class OpenTelemetryBinding {
    @Inject
    Instance<OpenTelemetry> injected;

    OpenTelemetry openTelemetry() {
        return injected.isResolvable() ? injected.get() : GlobalOpenTelemetry.get();
    }

    static OpenTelemetry lookup() {
        return CDI.current().select(OpenTelemetryBinding.class).get().openTelemetry();
    }
}
