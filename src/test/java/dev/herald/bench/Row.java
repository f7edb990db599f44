package dev.herald.bench;

import java.util.ArrayList;
import java.util.List;

/** One run: a server, a transport and N subscribers under one scenario. */
final class Row {
    final String scenario;
    final String label;
    final String target;
    final String transport;
    final int connections;
    int processes;
    /** Warm-up subscribers opened before the baseline; they stay open and receive events too. */
    long warmup;
    long opened;
    long failed;
    String failures = "{}";
    long gauge = -1;
    long gaugeAfterClose = -1;
    double openSeconds;
    Target.Sample base;
    Target.Sample loaded;
    Target.Sample end;
    double heapKb;
    double nativeKb;
    /** The phase the table shows (for fanout: the highest rate within the SLOs). */
    Phase phase;
    final List<Phase> sweep = new ArrayList<>();
    long paused;
    long lost;
    String overflow = "";
    String problems = "";
    /** The WAR file of the target's variant (--war label=file), or null for the normal WAR or a non-Herald target. */
    String war;
    /** The git commit bench/build-war-at.sh wrote next to that file (file.rev), or null. */
    String warRevision;
    /** Herald nodes the target had (node specs joined with +); 1 for one server. */
    int nodes = 1;
    /** Of several nodes: where subscribers and publishes went ({@link Placement#describe}), else null. */
    String placement;
    /** Publishes each node accepted over the run (warm-up included), in node order. */
    List<Long> publishesPerNode = List.of();
    /** Of several nodes: each node's connection gauge once all subscribers were open. */
    List<Long> nodeGauges = List.of();
    /** Of several nodes: each phase's CPU seconds per node ("50.0/s: 3.10 4.02"). */
    final List<String> nodeCpu = new ArrayList<>();

    Row(String scenario, String label, String target, String transport, int connections) {
        this.scenario = scenario;
        this.label = label;
        this.target = target;
        this.transport = transport;
        this.connections = connections;
    }

    /** The target spec without its WAR variant: payara:servlet for payara:servlet@before. */
    String server() {
        return TargetSpec.baseOf(target);
    }

    /** The target's WAR variant label (payara:servlet@before: before), or null. */
    String variant() {
        return TargetSpec.variantOf(target);
    }

    /**
     * Per held connection: live heap growth after a full GC, and native growth = PSS growth minus the growth
     * of committed heap (pre-touched, hence resident: a resize is heap sizing, not connection memory).
     */
    void memory(Target.Sample before, Target.Sample after) {
        base = before;
        loaded = after;
        long held = Math.max(1, opened);
        boolean managedHeap = before.heapUsedKb() >= 0;
        heapKb = managedHeap ? (after.heapUsedKb() - before.heapUsedKb()) / (double) held : 0;
        long committedGrowth = managedHeap ? after.heapCommittedKb() - before.heapCommittedKb() : 0;
        nativeKb = (after.pssKb() - before.pssKb() - committedGrowth) / (double) held;
    }

    double sumKb() {
        return heapKb + nativeKb;
    }

    /** Heap + native at N, in MB. */
    double totalMb() {
        return sumKb() * opened / 1024.0;
    }

    /** Live heap after GC at the end of the run minus after opening, KB (slow and soak scenarios). */
    long heapGrowthKb() {
        return end == null || loaded == null || loaded.heapUsedKb() < 0 ? 0 : end.heapUsedKb() - loaded.heapUsedKb();
    }

    /** Highest deliveries per second among the sweep's phases within the SLOs (fanout). */
    double maxSustainedDeliveriesPerSecond(double p99LimitMillis) {
        double best = 0;
        for (Phase p : sweep) {
            if (p.withinSlo(p99LimitMillis)) {
                best = Math.max(best, p.deliveriesPerSecond());
            }
        }
        return best;
    }
}
