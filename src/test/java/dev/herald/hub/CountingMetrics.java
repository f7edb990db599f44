package dev.herald.hub;


import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Counts every metric call by name and labels, e.g. {@code dropped/test/drop-oldest}. */
final class CountingMetrics implements HeraldMetrics {
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    final AtomicInteger maxQueueDepth = new AtomicInteger();

    private void add(String key, long n) {
        counters.computeIfAbsent(key, k -> new LongAdder()).add(n);
    }

    long get(String key) {
        LongAdder adder = counters.get(key);
        return adder == null ? 0 : adder.sum();
    }

    long droppedCount(String reason) {
        return get("dropped/" + TestSink.TRANSPORT + "/" + reason);
    }

    long closedCount(CloseReason reason) {
        return get("closed/" + TestSink.TRANSPORT + "/" + reason.label());
    }

    long openedCount() {
        return get("opened/" + TestSink.TRANSPORT);
    }

    long closedTotal() {
        long total = 0;
        for (CloseReason reason : CloseReason.values()) {
            total += closedCount(reason);
        }
        return total;
    }

    long resumedCount(String outcome) {
        return get("resumed/" + outcome);
    }

    @Override
    public void connectionOpened(String transport) {
        add("opened/" + transport, 1);
    }

    @Override
    public void connectionClosed(String transport, String reason) {
        add("closed/" + transport + "/" + reason, 1);
    }

    @Override
    public void eventPublished() {
        add("published", 1);
    }

    @Override
    public void eventDelivered(String transport, long latencyNanos) {
        add("delivered/" + transport, 1);
    }

    @Override
    public void eventsDropped(String transport, String reason, long count) {
        add("dropped/" + transport + "/" + reason, count);
    }

    @Override
    public void queueDepth(String transport, int depth) {
        maxQueueDepth.accumulateAndGet(depth, Math::max);
    }

    @Override
    public void resumed(String outcome) {
        add("resumed/" + outcome, 1);
    }

    @Override
    public void requestRejected(String endpoint, String reason) {
        add("rejected/" + endpoint + "/" + reason, 1);
    }

    @Override
    public String toString() {
        Map<String, Long> snapshot = new TreeMap<>();
        counters.forEach((k, v) -> snapshot.put(k, v.sum()));
        return snapshot.toString();
    }
}
