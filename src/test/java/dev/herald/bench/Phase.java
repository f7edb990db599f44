package dev.herald.bench;

/**
 * One publishing phase: events published at a rate for a duration, what the subscribers received, and
 * the server CPU it took.
 */
record Phase(double rate, double seconds, long published, long refused, long receivers, long expected,
             long delivered, long gaps, long duplicates, long resets, long droppedSignals, int reconnected,
             double p50, double p95, double p99, double max, double cpuSeconds) {

    double deliveredRatio() {
        return expected == 0 ? 1 : delivered / (double) expected;
    }

    double deliveriesPerSecond() {
        return seconds == 0 ? 0 : delivered / seconds;
    }

    /** Server CPU seconds per 1 000 delivered events; NaN when nothing was delivered. */
    double cpuPerThousand() {
        return delivered == 0 ? Double.NaN : cpuSeconds / (delivered / 1000.0);
    }

    /** Within DESIGN.md's SLOs: p99 at most the limit and at least 99.9 % delivered. */
    boolean withinSlo(double p99LimitMillis) {
        return p99 <= p99LimitMillis && deliveredRatio() >= 0.999 && refused == 0;
    }
}
