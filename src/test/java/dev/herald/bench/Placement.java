package dev.herald.bench;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Where a target of several nodes ({@code payara:servlet@r1+payara:servlet@r1}) gets its subscribers and its
 * publishes: {@code --subscribe-to all|first|last|N} (default all: spread evenly over the nodes, the first
 * ones take one more when it does not divide) and {@code --publish-to first|last|any|N} (default first;
 * {@code any} sends publish i to node i mod nodes, round-robin). N counts nodes from 1. A one-node target has
 * one placement: everything on its node.
 */
record Placement(String subscribeTo, String publishTo) {
    static final Placement ONE_NODE = new Placement("all", "first");

    /** Checks both values without knowing the node count (N must be ≥ 1; whether it exists is checked per target). */
    static Placement of(String subscribeTo, String publishTo) {
        check("--subscribe-to", subscribeTo, "all");
        check("--publish-to", publishTo, "any");
        return new Placement(subscribeTo, publishTo);
    }

    private static void check(String option, String value, String spread) {
        if (value.equals(spread) || value.equals("first") || value.equals("last")) {
            return;
        }
        try {
            if (Integer.parseInt(value) >= 1) {
                return;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(option + ": " + spread + ", first, last or a node number from 1, not '"
                + value + "'");
    }

    /** The nodes (0-based) that hold subscribers, in order. */
    List<Integer> subscriberNodes(int nodes) {
        return subscribeTo.equals("all") ? IntStream.range(0, nodes).boxed().toList()
                : List.of(node("--subscribe-to", subscribeTo, nodes));
    }

    /** The node (0-based) publish number {@code i} (from 0) goes to. */
    int publishNode(long i, int nodes) {
        return publishTo.equals("any") ? (int) (i % nodes) : node("--publish-to", publishTo, nodes);
    }

    /** For row labels and results.json: "2 nodes, subscribers on all, publishes to 1" (1-based). */
    String describe(int nodes) {
        String subs = subscribeTo.equals("all") ? "all" : Integer.toString(node("", subscribeTo, nodes) + 1);
        String pubs = publishTo.equals("any") ? "any (round-robin)"
                : Integer.toString(node("", publishTo, nodes) + 1);
        return nodes + " nodes, subscribers on " + subs + ", publishes to " + pubs;
    }

    private static int node(String option, String value, int nodes) {
        int node = switch (value) {
            case "first" -> 0;
            case "last" -> nodes - 1;
            default -> Integer.parseInt(value) - 1;
        };
        if (node >= nodes) {
            throw new IllegalArgumentException(option + " " + value + ": the target has only " + nodes + " nodes");
        }
        return node;
    }
}
