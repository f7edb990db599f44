package dev.herald.hub;

/**
 * Everything Herald counts, behind one small interface so that only this package knows a metrics API.
 * Implementations must be lock-free and allocation-free on the delivery path: these are called per event.
 * Label values are fixed, low-cardinality strings (transport, reason, outcome, endpoint), never topic names.
 */
public interface HeraldMetrics {
    void connectionOpened(String transport);

    void connectionClosed(String transport, String reason);

    void eventPublished();

    void eventDelivered(String transport, long latencyNanos);

    void eventsDropped(String transport, String reason, long count);

    void queueDepth(String transport, int depth);

    /** outcome: exact | reset */
    void resumed(String outcome);

    void requestRejected(String endpoint, String reason);

    HeraldMetrics NONE = new HeraldMetrics() {
        @Override public void connectionOpened(String transport) { }
        @Override public void connectionClosed(String transport, String reason) { }
        @Override public void eventPublished() { }
        @Override public void eventDelivered(String transport, long latencyNanos) { }
        @Override public void eventsDropped(String transport, String reason, long count) { }
        @Override public void queueDepth(String transport, int depth) { }
        @Override public void resumed(String outcome) { }
        @Override public void requestRejected(String endpoint, String reason) { }
    };
}
