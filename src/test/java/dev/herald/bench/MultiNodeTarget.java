package dev.herald.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Several Herald nodes as one target ({@code payara:servlet@r1+payara:servlet@r1}): they share an event log
 * (Redis, as the WAR variant's MicroProfile Config says), so a publish to any node reaches the subscribers of
 * every node. Which nodes get subscribers and publishes is the run's {@link Placement}; memory, CPU and the
 * connection gauge are the sums over the nodes, so per-connection figures stay per held connection.
 */
final class MultiNodeTarget implements Target {
    private final List<Target> nodes;

    MultiNodeTarget(List<Target> nodes) {
        if (nodes.size() < 2) {
            throw new IllegalArgumentException("a multi-node target needs at least two nodes");
        }
        this.nodes = List.copyOf(nodes);
    }

    @Override
    public List<Target> nodes() {
        return nodes;
    }

    /** "Herald/Payara SSE servlet @r1 x2", or the nodes' labels joined with " + " when they differ. */
    @Override
    public String label(String transport) {
        List<String> labels = nodes.stream().map(n -> n.label(transport)).distinct().toList();
        return labels.size() == 1 ? labels.get(0) + " x" + nodes.size() : String.join(" + ", labels);
    }

    @Override
    public String host() {
        return nodes.get(0).host();
    }

    @Override
    public int port() {
        return nodes.get(0).port();
    }

    @Override
    public Dialect dialect() {
        return Dialect.HERALD;
    }

    /** The first node's; the generator publishes through {@link #nodes()} as the placement says. */
    @Override
    public URI publishUri(String topic) {
        return nodes.get(0).publishUri(topic);
    }

    @Override
    public String authorization() {
        return nodes.get(0).authorization();
    }

    @Override
    public Sample sample() {
        long used = 0;
        long committed = 0;
        long pss = 0;
        double cpu = 0;
        for (Target node : nodes) {
            Sample s = node.sample();
            if (s.heapUsedKb() < 0) {
                used = -1;
                committed = -1;
            } else if (used >= 0) {
                used += s.heapUsedKb();
                committed += s.heapCommittedKb();
            }
            pss += s.pssKb();
            cpu += s.cpuSeconds();
        }
        return new Sample(used, committed, pss, cpu);
    }

    @Override
    public double cpuSeconds() {
        return nodes.stream().mapToDouble(Target::cpuSeconds).sum();
    }

    /** CPU seconds of each node so far, in node order. */
    List<Double> nodeCpuSeconds() {
        return nodes.stream().map(Target::cpuSeconds).toList();
    }

    @Override
    public long connections(String transport) {
        long total = 0;
        for (Target node : nodes) {
            long n = node.connections(transport);
            if (n < 0) {
                return -1;
            }
            total += n;
        }
        return total;
    }

    /** The connection gauge of each node, in node order (-1 where a node has none). */
    List<Long> nodeConnections(String transport) {
        return nodes.stream().map(n -> n.connections(transport)).toList();
    }

    @Override
    public String overflowCounters(String transport) {
        List<String> counters = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            counters.add("node" + (i + 1) + " " + nodes.get(i).overflowCounters(transport));
        }
        return String.join(", ", counters);
    }

    @Override
    public String logProblems() {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String p = nodes.get(i).logProblems();
            if (!p.isEmpty()) {
                problems.add("node" + (i + 1) + ": " + p);
            }
        }
        return problems.stream().collect(Collectors.joining("; "));
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            try {
                nodes.get(i).close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
