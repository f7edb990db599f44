package dev.herald.observability;

import dev.herald.hub.HeraldMetrics;
import dev.herald.hub.Hub;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Herald's metrics on the OpenTelemetry metrics API, exported over OTLP by the server's SDK, for servers
 * without MicroProfile Metrics (WildFly 39). Same names as {@link MicroProfileMetrics} once converted to
 * Prometheus (counters get {@code _total}; no units are declared, so no unit suffix is added). Attributes
 * are built once: recording allocates nothing.
 */
final class OpenTelemetryMetrics implements HeraldMetrics {
    private static final AttributeKey<String> TRANSPORT = AttributeKey.stringKey("transport");
    private static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");

    private final Meter meter;
    private final TransportHistograms histograms = new TransportHistograms();
    private final LongCounter published;
    private final LongCounter opened;
    private final LongCounter closed;
    private final LongCounter delivered;
    private final LongCounter dropped;
    private final LongCounter resumes;
    private final LongCounter rejected;
    private final Map<String, Attributes> byTransport = new HashMap<>();
    private final Map<String, Map<String, Attributes>> byTransportAndReason = new HashMap<>();
    private final Map<String, Attributes> byOutcome = new HashMap<>();
    private final Map<String, Map<String, Attributes>> byEndpointAndReason = new HashMap<>();

    OpenTelemetryMetrics(Meter meter) {
        this.meter = meter;
        published = counter("herald_events_published", "Events accepted for publishing");
        opened = counter("herald_connections_opened", "Connections opened");
        closed = counter("herald_connections_closed", "Connections closed, by reason");
        delivered = counter("herald_events_delivered", "Event frames whose write to a client completed");
        dropped = counter("herald_events_dropped", "Events given up, by reason (disconnect: queued or in flight when the server closed the connection)");
        resumes = counter("herald_resumes", "Resume requests by outcome");
        rejected = counter("herald_requests_rejected", "Requests refused, by reason");
        for (String transport : MetricLabels.TRANSPORTS) {
            byTransport.put(transport, Attributes.of(TRANSPORT, transport));
            Map<String, Attributes> reasons = new HashMap<>();
            for (String reason : concat(MetricLabels.CLOSE_REASONS, MetricLabels.DROP_REASONS)) {
                reasons.put(reason, Attributes.of(TRANSPORT, transport, REASON, reason));
            }
            byTransportAndReason.put(transport, reasons);
        }
        for (String outcome : MetricLabels.RESUME_OUTCOMES) {
            byOutcome.put(outcome, Attributes.of(AttributeKey.stringKey("outcome"), outcome));
        }
        for (String endpoint : MetricLabels.REJECT_ENDPOINTS) {
            Map<String, Attributes> reasons = new HashMap<>();
            for (String reason : MetricLabels.REJECT_REASONS) {
                reasons.put(reason, Attributes.of(AttributeKey.stringKey("endpoint"), endpoint, REASON, reason));
            }
            byEndpointAndReason.put(endpoint, reasons);
        }
        // every series exists from the start (rate() needs a zero to start from), as on MicroProfile Metrics
        published.add(0);
        byTransport.values().forEach(attributes -> {
            opened.add(0, attributes);
            delivered.add(0, attributes);
        });
        byTransportAndReason.forEach((transport, reasons) -> {
            MetricLabels.CLOSE_REASONS.forEach(reason -> closed.add(0, reasons.get(reason)));
            MetricLabels.DROP_REASONS.forEach(reason -> dropped.add(0, reasons.get(reason)));
        });
        byOutcome.values().forEach(attributes -> resumes.add(0, attributes));
        byEndpointAndReason.values().forEach(reasons -> reasons.values().forEach(attributes -> rejected.add(0, attributes)));
        histograms.byName().forEach((name, perTransport) -> perTransport.forEach((transport, histogram) ->
                registerHistogram(name, histogram, transport)));
        gauge("process_open_fds", "Open file descriptors", ignored -> ProcessStats.openFileDescriptors(), null);
        gauge("process_max_fds", "Maximum open file descriptors", ignored -> ProcessStats.maxFileDescriptors(), null);
        gauge("process_cpu_seconds_total", "CPU seconds used by the process", ignored -> ProcessStats.cpuSeconds(), null);
        gauge("process_start_time_seconds", "Start time of the process since the epoch, seconds",
                ignored -> ProcessStats.startTimeSeconds(), null);
        Attributes heap = Attributes.of(AttributeKey.stringKey("area"), "heap");
        gauge("jvm_memory_used_bytes", "Used bytes of a JVM memory area", ignored -> ProcessStats.heapUsedBytes(), null, heap);
        gauge("jvm_memory_max_bytes", "Maximum bytes of a JVM memory area", ignored -> ProcessStats.heapMaxBytes(), null, heap);
        gauge("jvm_memory_committed_bytes", "Committed bytes of a JVM memory area",
                ignored -> ProcessStats.heapCommittedBytes(), null, heap);
        gauge("jvm_gc_collection_seconds_total", "Time spent in garbage collection, seconds",
                ignored -> ProcessStats.gcSeconds(), null);
        gauge("jvm_gc_collections_total", "Garbage collections", ignored -> ProcessStats.gcCollections(), null);
        gauge("jvm_threads_current", "Live JVM threads", ignored -> ProcessStats.threads(), null);
        gauge("jvm_available_processors", "Processors available to the JVM",
                ignored -> ProcessStats.availableProcessors(), null);
    }

    void registerGauges(Hub hub, BooleanSupplier draining) {
        meter.gaugeBuilder("herald_connections").setDescription("Open connections").buildWithCallback(m -> {
            for (String transport : MetricLabels.TRANSPORTS) {
                m.record(hub.connectionCount(transport), byTransport.get(transport));
            }
        });
        gauge("herald_topics", "Topics on this node", ignored -> hub.topicCount(), hub);
        gauge("herald_history_events", "Events retained for resume", ignored -> hub.retainedEvents(), hub);
        gauge("herald_history_bytes", "Bytes retained for resume", ignored -> hub.retainedBytes(), hub);
        gauge("herald_queue_max_events", "Per-subscriber queue bound", ignored -> hub.settings().queueMaxEvents(), hub);
        meter.gaugeBuilder("herald_backplane_up")
                .setDescription("1 while the event log accepts and delivers the events of this partition's topics")
                .buildWithCallback(m -> {
                    for (int partition = 0; partition < hub.backplanePartitions(); partition++) {
                        m.record(hub.backplaneUp(partition) ? 1 : 0,
                                Attributes.of(AttributeKey.stringKey("partition"), Integer.toString(partition)));
                    }
                });
        gauge("herald_backplane_lag_seconds",
                "Seconds from an append to this node reading it, for the newest event read (0 when caught up)",
                ignored -> hub.backplaneLagSeconds(), hub);
        gauge("herald_draining", "1 while the node drains (readiness DOWN, connections being finished), 0 otherwise",
                ignored -> draining.getAsBoolean() ? 1 : 0, draining);
    }

    private LongCounter counter(String name, String description) {
        return meter.counterBuilder(name).setDescription(description).build();
    }

    private void gauge(String name, String description, ToDoubleFunction<Object> value, Object target) {
        gauge(name, description, value, target, Attributes.empty());
    }

    private void gauge(String name, String description, ToDoubleFunction<Object> value, Object target,
                       Attributes attributes) {
        meter.gaugeBuilder(name).setDescription(description).buildWithCallback(m -> {
            try {
                m.record(value.applyAsDouble(target), attributes);
            } catch (RuntimeException | LinkageError e) {
                // one unreadable gauge must not abort the export of all the others
            }
        });
    }

    private void registerHistogram(String name, BucketHistogram histogram, String transport) {
        Attributes[] buckets = new Attributes[histogram.bucketCount() + 1];
        for (int i = 0; i < histogram.bucketCount(); i++) {
            buckets[i] = Attributes.of(TRANSPORT, transport, AttributeKey.stringKey("le"), histogram.le(i));
        }
        buckets[histogram.bucketCount()] = Attributes.of(TRANSPORT, transport, AttributeKey.stringKey("le"), "+Inf");
        Attributes attributes = Attributes.of(TRANSPORT, transport);
        meter.gaugeBuilder(name + "_bucket").ofLongs().buildWithCallback(m -> {
            for (int i = 0; i < histogram.bucketCount(); i++) {
                m.record(histogram.cumulative(i), buckets[i]);
            }
            m.record(histogram.count(), buckets[histogram.bucketCount()]);
        });
        meter.gaugeBuilder(name + "_count").ofLongs().buildWithCallback(m -> m.record(histogram.count(), attributes));
        meter.gaugeBuilder(name + "_sum").buildWithCallback(m -> m.record(histogram.sum(), attributes));
    }


    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    /** Label values outside the fixed sets (none are expected) are not recorded rather than made up. */
    private static void add(LongCounter counter, long by, Attributes attributes) {
        if (attributes != null) {
            counter.add(by, attributes);
        }
    }

    private static Attributes lookup(Map<String, Map<String, Attributes>> table, String outer, String inner) {
        Map<String, Attributes> row = table.get(outer);
        return row == null ? null : row.get(inner);
    }

    @Override
    public void connectionOpened(String transport) {
        add(opened, 1, byTransport.get(transport));
    }

    @Override
    public void connectionClosed(String transport, String reason) {
        add(closed, 1, lookup(byTransportAndReason, transport, reason));
    }

    @Override
    public void eventPublished() {
        published.add(1);
    }

    @Override
    public void eventDelivered(String transport, long latencyNanos) {
        add(delivered, 1, byTransport.get(transport));
        histograms.latency(transport, latencyNanos);
    }

    @Override
    public void eventsDropped(String transport, String reason, long count) {
        add(dropped, count, lookup(byTransportAndReason, transport, reason));
    }

    @Override
    public void queueDepth(String transport, int depth) {
        histograms.queueDepth(transport, depth);
    }

    @Override
    public void resumed(String outcome) {
        add(resumes, 1, byOutcome.get(outcome));
    }

    @Override
    public void requestRejected(String endpoint, String reason) {
        add(rejected, 1, lookup(byEndpointAndReason, endpoint, reason));
    }
}
