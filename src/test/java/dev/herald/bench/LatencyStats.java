package dev.herald.bench;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;

/**
 * Delivery latency in microseconds (receive time minus the event's send time), recorded by the client
 * processes and merged by the coordinator. HdrHistogram keeps 3 significant digits from 1 µs to an hour in
 * fixed memory, and its compressed encoding carries a process's histogram over stdout.
 */
final class LatencyStats {
    private static final long HIGHEST_MICROS = 3_600_000_000L;
    private final Histogram histogram;

    LatencyStats() {
        this(new Histogram(HIGHEST_MICROS, 3));
    }

    private LatencyStats(Histogram histogram) {
        this.histogram = histogram;
    }

    /**
     * Records one delivery. A negative value (the receiver's clock read before the sender's, possible within
     * a microsecond on one machine) counts as zero; anything above the range is clamped to it.
     */
    void record(long micros) {
        histogram.recordValue(Math.min(Math.max(micros, 0), HIGHEST_MICROS));
    }

    long count() {
        return histogram.getTotalCount();
    }

    /** The value at {@code percentile} (0–100) in milliseconds; 0 when nothing was recorded. */
    double percentileMillis(double percentile) {
        if (histogram.getTotalCount() == 0) {
            return 0;
        }
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    double maxMillis() {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getMaxValue() / 1000.0;
    }

    void add(LatencyStats other) {
        histogram.add(other.histogram);
    }

    void reset() {
        histogram.reset();
    }

    String encode() {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    static LatencyStats decode(String base64) {
        try {
            return new LatencyStats(Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0));
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not an encoded latency histogram", e);
        }
    }
}
