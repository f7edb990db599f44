package dev.herald.observability;

import dev.herald.hub.Hub;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Histogram;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Herald's metrics on MicroProfile Metrics 5. Every labelled series is created up front, so recording is a
 * map lookup and a lock-free increment. MP Metrics appends {@code _total} and unit suffixes itself, hence
 * the registered names lack them. Loaded only when the API is present (see {@link MetricsFactory}).
 */
final class MicroProfileMetrics implements HeraldMetrics {
    static final List<String> TRANSPORTS = List.of("sse", "ws");
    static final List<String> CLOSE_REASONS = List.of("client-gone", "slow-consumer", "write-timeout", "bad-request",
            "shutdown");
    static final List<String> DROP_REASONS = List.of("drop-oldest", "conflated", "disconnect");
    static final List<String> REJECT_ENDPOINTS = List.of("publish", "sse", "ws");
    static final List<String> REJECT_REASONS = List.of("unauthorized", "invalid-topic", "unsupported-media-type",
            "too-large", "invalid-json", "no-topics", "too-many-topics", "topic-limit", "connection-limit",
            "bad-message", "closed");

    private final Counter published;
    private final Map<String, Counter> opened = new HashMap<>();
    private final Map<String, Map<String, Counter>> closed = new HashMap<>();
    private final Map<String, Counter> delivered = new HashMap<>();
    private final Map<String, Timer> latency = new HashMap<>();
    private final Map<String, Map<String, Counter>> dropped = new HashMap<>();
    private final Map<String, Histogram> queueDepth = new HashMap<>();
    private final Map<String, Counter> resumes = new HashMap<>();
    private final Map<String, Map<String, Counter>> rejected = new HashMap<>();

    MicroProfileMetrics(MetricRegistry registry) {
        published = registry.counter(meta("herald_events_published", "Events accepted for publishing"));
        for (String transport : TRANSPORTS) {
            Tag t = new Tag("transport", transport);
            opened.put(transport, registry.counter(meta("herald_connections_opened", "Connections opened"), t));
            delivered.put(transport, registry.counter(meta("herald_events_delivered",
                    "Event frames handed to a client connection"), t));
            latency.put(transport, registry.timer(Metadata.builder().withName("herald_delivery_latency")
                    .withDescription("Publish accepted to frame written").withUnit(MetricUnits.SECONDS).build(), t));
            queueDepth.put(transport, registry.histogram(meta("herald_queue_depth",
                    "Subscriber queue depth, sampled at enqueue"), t));
            closed.put(transport, series(registry, "herald_connections_closed", "Connections closed, by reason",
                    CLOSE_REASONS, "reason", t));
            dropped.put(transport, series(registry, "herald_events_dropped",
                    "Events not delivered to a slow client, by reason", DROP_REASONS, "reason", t));
        }
        for (String outcome : List.of("exact", "reset")) {
            resumes.put(outcome, registry.counter(meta("herald_resumes", "Resume requests by outcome"),
                    new Tag("outcome", outcome)));
        }
        for (String endpoint : REJECT_ENDPOINTS) {
            rejected.put(endpoint, series(registry, "herald_requests_rejected", "Requests refused, by reason",
                    REJECT_REASONS, "reason", new Tag("endpoint", endpoint)));
        }
    }

    void registerGauges(MetricRegistry registry, Hub hub) {
        for (String transport : TRANSPORTS) {
            registry.gauge(new MetricID("herald_connections", new Tag("transport", transport)), hub,
                    h -> h.connectionCount(transport));
        }
        registry.gauge(new MetricID("herald_topics"), hub, Hub::topicCount);
        registry.gauge(new MetricID("herald_history_events"), hub, Hub::retainedEvents);
        registry.gauge(new MetricID("herald_history_bytes"), hub, Hub::retainedBytes);
    }

    private static Metadata meta(String name, String description) {
        return Metadata.builder().withName(name).withDescription(description).build();
    }

    private static Map<String, Counter> series(MetricRegistry registry, String name, String description,
                                               List<String> values, String label, Tag fixed) {
        Map<String, Counter> counters = new HashMap<>();
        for (String value : values) {
            counters.put(value, registry.counter(meta(name, description), fixed, new Tag(label, value)));
        }
        return counters;
    }

    private static void increment(Map<String, Counter> counters, String key, long by) {
        Counter counter = counters.get(key);
        if (counter != null) {
            counter.inc(by);
        }
    }

    private static void increment(Map<String, Map<String, Counter>> counters, String outer, String inner, long by) {
        Map<String, Counter> series = counters.get(outer);
        if (series != null) {
            increment(series, inner, by);
        }
    }

    @Override
    public void connectionOpened(String transport) {
        increment(opened, transport, 1);
    }

    @Override
    public void connectionClosed(String transport, String reason) {
        increment(closed, transport, reason, 1);
        if (reason.equals("slow-consumer") || reason.equals("write-timeout")) {
            increment(dropped, transport, "disconnect", 1);
        }
    }

    @Override
    public void eventPublished() {
        published.inc();
    }

    @Override
    public void eventDelivered(String transport, long latencyNanos) {
        increment(delivered, transport, 1);
        Timer timer = latency.get(transport);
        if (timer != null) {
            timer.update(Duration.ofNanos(latencyNanos));
        }
    }

    @Override
    public void eventsDropped(String transport, String reason, long count) {
        increment(dropped, transport, reason, count);
    }

    @Override
    public void queueDepth(String transport, int depth) {
        Histogram histogram = queueDepth.get(transport);
        if (histogram != null) {
            histogram.update(depth);
        }
    }

    @Override
    public void resumed(String outcome) {
        increment(resumes, outcome, 1);
    }

    @Override
    public void requestRejected(String endpoint, String reason) {
        increment(rejected, endpoint, reason, 1);
    }
}
