package dev.herald.observability;

import dev.herald.hub.Hub;

import java.lang.System.Logger.Level;

/**
 * Picks the metrics implementation the server offers. MicroProfile Metrics classes are only touched when
 * the API is present, so the WAR deploys where it is absent (WildFly) and simply records nothing there.
 */
public final class MetricsFactory {
    private static final System.Logger LOG = System.getLogger(MetricsFactory.class.getName());

    private MetricsFactory() {
    }

    public static HeraldMetrics create() {
        try {
            Class.forName("org.eclipse.microprofile.metrics.MetricRegistry", false, MetricsFactory.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            LOG.log(Level.INFO, "MicroProfile Metrics is not available: Herald metrics are not exported");
            return HeraldMetrics.NONE;
        }
        return MicroProfileBinding.create();
    }

    /** Registers gauges read from the hub (connections, topics, history) where the implementation has them. */
    public static void bindGauges(HeraldMetrics metrics, Hub hub) {
        if (metrics instanceof MicroProfileMetrics) {
            MicroProfileBinding.bindGauges((MicroProfileMetrics) metrics, hub);
        }
    }
}
