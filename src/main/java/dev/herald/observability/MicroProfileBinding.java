package dev.herald.observability;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Holds the injected application MetricRegistry (servers produce it per injection point, so it cannot be
 * looked up directly). Only {@link Observability} touches this class, and only when the API is present;
 * where it is absent the container skips the bean with a class-loading warning.
 */
@ApplicationScoped
public class MicroProfileBinding {
    @Inject
    MetricRegistry registry;

    /** Through a method, not the field: callers hold the client proxy. */
    MetricRegistry registry() {
        return registry;
    }

    static MetricRegistry lookup() {
        return CDI.current().select(MicroProfileBinding.class).get().registry();
    }
}
