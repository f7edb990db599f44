package dev.herald.observability;

import dev.herald.hub.HeraldMetrics;
import dev.herald.hub.Hub;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Herald's metrics on MicroProfile Metrics 5 ({@code /metrics} on Payara). Counters are MP counters created
 * up front for every label value, so recording is a map lookup and a lock-free increment; MP appends
 * {@code _total} itself, hence the names lack it. Histograms are Herald's own lock-free
 * {@link BucketHistogram}s exported as {@code _bucket{le}}/{@code _sum}/{@code _count} gauges: MP timers
 * and histograms keep a locked, allocating reservoir per update, too costly per delivery.
 */
final class MicroProfileMetrics implements HeraldMetrics {
    private final MetricRegistry registry;
    private final TransportHistograms histograms = new TransportHistograms();
    private final Counter published;
    private final Map<String, Counter> opened = new HashMap<>();
    private final Map<String, Map<String, Counter>> closed = new HashMap<>();
    private final Map<String, Counter> delivered = new HashMap<>();
    private final Map<String, Map<String, Counter>> dropped = new HashMap<>();
    private final Map<String, Counter> resumes = new HashMap<>();
    private final Map<String, Map<String, Counter>> rejected = new HashMap<>();

    MicroProfileMetrics(MetricRegistry registry) {
        this.registry = registry;
        published = registry.counter(meta("herald_events_published", "Events accepted for publishing"));
        for (String transport : MetricLabels.TRANSPORTS) {
            Tag t = new Tag("transport", transport);
            opened.put(transport, registry.counter(meta("herald_connections_opened", "Connections opened"), t));
            delivered.put(transport, registry.counter(meta("herald_events_delivered",
                    "Event frames whose write to a client completed"), t));
            closed.put(transport, series("herald_connections_closed", "Connections closed, by reason",
                    "reason", MetricLabels.CLOSE_REASONS, t));
            dropped.put(transport, series("herald_events_dropped",
                    "Events given up, by reason (disconnect: queued or in flight when the server closed the connection)", "reason", MetricLabels.DROP_REASONS, t));
        }
        for (String outcome : MetricLabels.RESUME_OUTCOMES) {
            resumes.put(outcome, registry.counter(meta("herald_resumes", "Resume requests by outcome"),
                    new Tag("outcome", outcome)));
        }
        for (String endpoint : MetricLabels.REJECT_ENDPOINTS) {
            rejected.put(endpoint, series("herald_requests_rejected", "Requests refused, by reason", "reason",
                    MetricLabels.REJECT_REASONS, new Tag("endpoint", endpoint)));
        }
        histograms.byName().forEach((name, perTransport) -> perTransport.forEach((transport, histogram) ->
                registerHistogram(name, histogram, new Tag("transport", transport))));
        gauge("process_open_fds", "Open file descriptors", ProcessStats::openFileDescriptors);
        gauge("process_max_fds", "Maximum open file descriptors", ProcessStats::maxFileDescriptors);
        gauge("process_cpu_seconds_total", "CPU seconds used by the process", ProcessStats::cpuSeconds);
        gauge("process_start_time_seconds", "Start time of the process since the epoch, seconds",
                ProcessStats::startTimeSeconds);
        Tag heap = new Tag("area", "heap");
        registry.gauge(meta("jvm_memory_used_bytes", "Used bytes of a JVM memory area"), this,
                ignored -> ProcessStats.heapUsedBytes(), heap);
        registry.gauge(meta("jvm_memory_max_bytes", "Maximum bytes of a JVM memory area"), this,
                ignored -> ProcessStats.heapMaxBytes(), heap);
        registry.gauge(meta("jvm_memory_committed_bytes", "Committed bytes of a JVM memory area"), this,
                ignored -> ProcessStats.heapCommittedBytes(), heap);
        gauge("jvm_gc_collection_seconds_total", "Time spent in garbage collection, seconds", ProcessStats::gcSeconds);
        gauge("jvm_gc_collections_total", "Garbage collections", ProcessStats::gcCollections);
        gauge("jvm_threads_current", "Live JVM threads", ProcessStats::threads);
        gauge("jvm_available_processors", "Processors available to the JVM", ProcessStats::availableProcessors);
    }

    /** Gauges read from the hub at scrape time. */
    void registerGauges(Hub hub, BooleanSupplier draining) {
        for (String transport : MetricLabels.TRANSPORTS) {
            registry.gauge(meta("herald_connections", "Open connections"), hub,
                    h -> h.connectionCount(transport), new Tag("transport", transport));
        }
        registry.gauge(meta("herald_topics", "Topics on this node"), hub, Hub::topicCount);
        registry.gauge(meta("herald_history_events", "Events retained for resume"), hub, Hub::retainedEvents);
        registry.gauge(meta("herald_history_bytes", "Bytes retained for resume"), hub, Hub::retainedBytes);
        registry.gauge(meta("herald_queue_max_events", "Per-subscriber queue bound"), hub,
                h -> h.settings().queueMaxEvents());
        for (int partition = 0; partition < hub.backplanePartitions(); partition++) {
            int index = partition;
            registry.gauge(meta("herald_backplane_up", "1 while the event log accepts and delivers the events of"
                    + " this partition's topics"), hub, h -> h.backplaneUp(index) ? 1 : 0,
                    new Tag("partition", Integer.toString(index)));
        }
        registry.gauge(meta("herald_backplane_lag_seconds",
                "Seconds from an append to this node reading it, for the newest event read (0 when caught up)"), hub,
                Hub::backplaneLagSeconds);
        registry.gauge(meta("herald_draining",
                "1 while the node drains (readiness DOWN, connections being finished), 0 otherwise"), draining,
                d -> d.getAsBoolean() ? 1 : 0);
    }

    private void registerHistogram(String name, BucketHistogram histogram, Tag transport) {
        for (int i = 0; i < histogram.bucketCount(); i++) {
            int bucket = i;
            registry.gauge(meta(name + "_bucket", "Cumulative histogram bucket"), histogram,
                    h -> h.cumulative(bucket), transport, new Tag("le", histogram.le(i)));
        }
        registry.gauge(meta(name + "_bucket", "Cumulative histogram bucket"), histogram,
                BucketHistogram::count, transport, new Tag("le", "+Inf"));
        registry.gauge(meta(name + "_count", "Observations"), histogram, BucketHistogram::count, transport);
        registry.gauge(meta(name + "_sum", "Sum of observations"), histogram, BucketHistogram::sum, transport);
    }

    private <R extends Number> void gauge(String name, String description, java.util.function.Supplier<R> value) {
        Function<Object, R> read = ignored -> value.get();
        registry.gauge(meta(name, description), this, read);
    }

    private static Metadata meta(String name, String description) {
        return Metadata.builder().withName(name).withDescription(description).build();
    }

    private Map<String, Counter> series(String name, String description, String label, List<String> values, Tag fixed) {
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
    }

    @Override
    public void eventPublished() {
        published.inc();
    }

    @Override
    public void eventDelivered(String transport, long latencyNanos) {
        increment(delivered, transport, 1);
        histograms.latency(transport, latencyNanos);
    }

    @Override
    public void eventsDropped(String transport, String reason, long count) {
        increment(dropped, transport, reason, count);
    }

    @Override
    public void queueDepth(String transport, int depth) {
        histograms.queueDepth(transport, depth);
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
