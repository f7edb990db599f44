package dev.herald.observability;

import dev.herald.hub.HeraldMetrics;
import dev.herald.hub.Hub;

import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Chooses what the server offers: metrics through MicroProfile Metrics (Payara) or the OpenTelemetry API
 * (WildFly), tracing through OpenTelemetry. Classes of an absent API are never loaded, so the WAR deploys
 * and works where either is missing.
 */
public final class Observability {
    private static final System.Logger LOG = System.getLogger(Observability.class.getName());
    private static final String MP_METRICS = "org.eclipse.microprofile.metrics.MetricRegistry";
    private static final String OTEL = "io.opentelemetry.api.OpenTelemetry";

    /** herald.metrics values. */
    public enum MetricsBackend { AUTO, MICROPROFILE, OPENTELEMETRY, NONE }

    private final HeraldMetrics metrics;
    private final Tracing tracing;

    private Observability(HeraldMetrics metrics, Tracing tracing) {
        this.metrics = metrics;
        this.tracing = tracing;
    }

    public static MetricsBackend backend(String value) {
        return MetricsBackend.valueOf(value.trim().toUpperCase(Locale.ROOT).replace("-", ""));
    }

    public static Observability create(MetricsBackend requested) {
        boolean haveMp = present(MP_METRICS);
        boolean haveOtel = present(OTEL);
        MetricsBackend backend = requested;
        if (backend == MetricsBackend.AUTO) {
            backend = haveMp ? MetricsBackend.MICROPROFILE : haveOtel ? MetricsBackend.OPENTELEMETRY : MetricsBackend.NONE;
        }
        HeraldMetrics metrics = switch (backend) {
            case MICROPROFILE -> haveMp ? new MicroProfileMetrics(MicroProfileBinding.lookup()) : missing(backend);
            case OPENTELEMETRY -> haveOtel
                    ? new OpenTelemetryMetrics(OpenTelemetryBinding.lookup().getMeter("dev.herald")) : missing(backend);
            default -> HeraldMetrics.NONE;
        };
        Tracing tracing = haveOtel ? new OpenTelemetryTracing(OpenTelemetryBinding.lookup()) : Tracing.NONE;
        LOG.log(Level.INFO, "Herald metrics via {0}, tracing {1}", backend,
                haveOtel ? "via OpenTelemetry (exports when otel.sdk.disabled=false)" : "off (no OpenTelemetry API)");
        return new Observability(metrics, tracing);
    }

    private static HeraldMetrics missing(MetricsBackend backend) {
        LOG.log(Level.WARNING, "herald.metrics={0} but that API is not on this server: metrics are off", backend);
        return HeraldMetrics.NONE;
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, Observability.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    public HeraldMetrics metrics() {
        return metrics;
    }

    public Tracing tracing() {
        return tracing;
    }

    /**
     * Registers the gauges read from the hub (connections, topics, history, bounds) and herald_draining. The
     * drain state lives in the composition root, not in the hub, so it comes in as a supplier.
     */
    public void bind(Hub hub, BooleanSupplier draining) {
        if (metrics instanceof MicroProfileMetrics mp) {
            mp.registerGauges(hub, draining);
        } else if (metrics instanceof OpenTelemetryMetrics otel) {
            otel.registerGauges(hub, draining);
        }
    }
}
