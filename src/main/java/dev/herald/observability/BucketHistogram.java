package dev.herald.observability;

import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus-style histogram with fixed buckets: recording is a bounded scan and two LongAdder
 * increments, lock-free and allocation-free, so it can sit on the per-delivery path. Both export paths
 * (MicroProfile Metrics, OpenTelemetry) publish it as {@code <name>_bucket{le}}, {@code _sum}, {@code _count}.
 */
public final class BucketHistogram {
    /** Delivery latency buckets in seconds, 1 ms to 10 s, including the 250 ms SLO threshold. */
    public static final double[] LATENCY_SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    /** Queue depth buckets in events. */
    public static final double[] QUEUE_DEPTH = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

    private final double[] upperBounds;
    /** Upper bounds in the recorded unit (nanoseconds or events), compared without floating point. */
    private final long[] rawBounds;
    private final double unitsPerRaw;
    /** counts[i]: observations in bucket i (not cumulative); the last one is +Inf. */
    private final LongAdder[] counts;
    private final LongAdder rawSum = new LongAdder();

    /**
     * @param upperBounds bucket bounds in the exported unit
     * @param rawPerUnit  recorded units per exported unit (1e9 for nanoseconds recorded, seconds exported)
     */
    public BucketHistogram(double[] upperBounds, double rawPerUnit) {
        this.upperBounds = upperBounds.clone();
        this.rawBounds = new long[upperBounds.length];
        for (int i = 0; i < upperBounds.length; i++) {
            rawBounds[i] = Math.round(upperBounds[i] * rawPerUnit);
        }
        this.unitsPerRaw = 1 / rawPerUnit;
        this.counts = new LongAdder[upperBounds.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    public void record(long raw) {
        int i = 0;
        while (i < rawBounds.length && raw > rawBounds[i]) {
            i++;
        }
        counts[i].increment();
        rawSum.add(raw);
    }

    public int bucketCount() {
        return upperBounds.length;
    }

    /** The {@code le} label of bucket i (without +Inf, which is {@link #count()}). */
    public String le(int i) {
        double bound = upperBounds[i];
        return bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound);
    }

    /** Observations less than or equal to bucket i's bound (Prometheus buckets are cumulative). */
    public long cumulative(int i) {
        long total = 0;
        for (int b = 0; b <= i; b++) {
            total += counts[b].sum();
        }
        return total;
    }

    public long count() {
        return cumulative(counts.length - 1);
    }

    public double sum() {
        return rawSum.sum() * unitsPerRaw;
    }
}
