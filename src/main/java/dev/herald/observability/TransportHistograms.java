package dev.herald.observability;

import java.util.HashMap;
import java.util.Map;

/** Delivery latency and queue depth histograms per transport, shared by both export paths. */
final class TransportHistograms {
    static final String LATENCY = "herald_delivery_latency_seconds";
    static final String QUEUE_DEPTH = "herald_queue_depth";

    private final Map<String, BucketHistogram> latency = new HashMap<>();
    private final Map<String, BucketHistogram> queueDepth = new HashMap<>();

    TransportHistograms() {
        for (String transport : MetricLabels.TRANSPORTS) {
            latency.put(transport, new BucketHistogram(BucketHistogram.LATENCY_SECONDS, 1e9));
            queueDepth.put(transport, new BucketHistogram(BucketHistogram.QUEUE_DEPTH, 1));
        }
    }

    void latency(String transport, long nanos) {
        BucketHistogram histogram = latency.get(transport);
        if (histogram != null) {
            histogram.record(nanos);
        }
    }

    void queueDepth(String transport, int depth) {
        BucketHistogram histogram = queueDepth.get(transport);
        if (histogram != null) {
            histogram.record(depth);
        }
    }

    /** name -> transport -> histogram, for exporters. */
    Map<String, Map<String, BucketHistogram>> byName() {
        return Map.of(LATENCY, latency, QUEUE_DEPTH, queueDepth);
    }
}
