package dev.herald.bench;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A target spec as {@code --targets} names it, split into the server ({@code payara:servlet}) and an optional
 * WAR variant after {@code @} ({@code payara:servlet@before}): the variant is a label that {@code --war
 * before=path/to/herald.war} maps to a WAR file, so one run can compare two builds of Herald on the same
 * server. Only Herald targets the generator starts (payara:, wildfly:) take a variant; url: specs are taken
 * as they are (a URL may contain {@code @}).
 *
 * <p>A target of several nodes joins node specs with {@code +}: {@code payara:servlet@r1+payara:servlet@r1}
 * starts two nodes from the WAR variant r1 (which shares a Redis log, as its MicroProfile Config says), and
 * {@code url:http://127.0.0.1:8080+url:http://127.0.0.1:8081} names two running ones. {@code --subscribe-to}
 * and {@code --publish-to} ({@link Placement}) say which nodes take subscribers and publishes; nchan is one
 * node only.
 */
record TargetSpec(String base, String variant) {
    static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    static TargetSpec parse(String spec) {
        int at = spec.lastIndexOf('@');
        if (spec.startsWith("url:") || at < 0) {
            return new TargetSpec(spec, null);
        }
        String base = spec.substring(0, at);
        String variant = spec.substring(at + 1);
        if (!base.startsWith("payara:") && !base.startsWith("wildfly:")) {
            throw new IllegalArgumentException("target " + spec + ": only payara: and wildfly: targets take a WAR"
                    + " variant (@label)");
        }
        if (!LABEL.matcher(variant).matches()) {
            throw new IllegalArgumentException("target " + spec + ": the WAR label after @ must be letters, digits,"
                    + " '.', '_' or '-', not '" + variant + "'");
        }
        return new TargetSpec(base, variant);
    }

    /** The node specs of a target ({@code a+b}: a and b; one node: the spec itself); never throws. */
    static List<String> nodesOf(String spec) {
        return spec.indexOf('+') < 0 ? List.of(spec) : List.of(spec.split("\\+", -1));
    }

    /** Parses every node of a target; a target of several nodes may not name nchan or an empty node. */
    static List<TargetSpec> parseNodes(String spec) {
        List<String> nodes = nodesOf(spec);
        if (nodes.size() > 1) {
            for (String node : nodes) {
                if (node.isBlank() || node.equals("nchan")) {
                    throw new IllegalArgumentException("target " + spec + ": nodes joined with + must each be"
                            + " payara:..., wildfly:... or url:..., not '" + node + "'");
                }
            }
        }
        return nodes.stream().map(TargetSpec::parse).toList();
    }

    /**
     * The server part of a spec, without its variant; never throws (for grouping rows of any target). Of
     * several nodes: each node's, joined with +.
     */
    static String baseOf(String spec) {
        if (nodesOf(spec).size() > 1) {
            return String.join("+", nodesOf(spec).stream().map(TargetSpec::baseOf).toList());
        }
        int at = spec.lastIndexOf('@');
        return spec.startsWith("url:") || at < 0 ? spec : spec.substring(0, at);
    }

    /**
     * The variant label of a spec, or null; never throws. Of several nodes: their common variant, null if
     * none has one, else the nodes' variants joined with + ("-" for a node without one).
     */
    static String variantOf(String spec) {
        List<String> nodes = nodesOf(spec);
        if (nodes.size() > 1) {
            List<String> variants = nodes.stream().map(TargetSpec::variantOf).distinct().toList();
            if (variants.size() == 1) {
                return variants.get(0);
            }
            return String.join("+", nodes.stream().map(n -> variantOf(n) == null ? "-" : variantOf(n)).toList());
        }
        String base = baseOf(spec);
        return base.length() == spec.length() ? null : spec.substring(base.length() + 1);
    }

    /**
     * Names of the run's directories and logs: payara-servlet, payara-servlet@before; of several nodes,
     * 2x-payara-servlet@r1 when they are the same, else the nodes' names joined with +.
     */
    static String nameOf(String spec) {
        List<TargetSpec> nodes = parseNodes(spec);
        List<String> names = nodes.stream().map(TargetSpec::name).distinct().toList();
        if (nodes.size() == 1) {
            return names.get(0);
        }
        return names.size() == 1 ? nodes.size() + "x-" + names.get(0) : String.join("+", names);
    }

    /** Names of the run's directories and logs: payara-servlet, payara-servlet@before. */
    String name() {
        return base.replace(':', '-') + (variant == null ? "" : "@" + variant);
    }
}
