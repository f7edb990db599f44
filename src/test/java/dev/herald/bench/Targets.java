package dev.herald.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the server a target spec names: payara:servlet, payara:jaxrs, wildfly:servlet, wildfly:jaxrs, nchan;
 * or url:http://host:port for a Herald that is already running. payara: and wildfly: specs may end in
 * {@code @label}: the WAR that {@code --war label=file} names instead of target/herald.war.
 */
final class Targets {
    private Targets() {
    }

    /**
     * A target of several nodes ({@code a+b}) starts each node as its own target, named name-n1, name-n2, ...
     * (their own root dirs and logs), one after the other; if one fails to start, those started are stopped.
     */
    static Target start(String spec, String name, LoadGenerator.Options options, Path workDir, PrintStream progress) {
        List<String> nodes = TargetSpec.nodesOf(spec);
        if (nodes.size() == 1) {
            return startNode(spec, name, options, workDir, progress);
        }
        TargetSpec.parseNodes(spec);
        List<Target> started = new ArrayList<>();
        try {
            for (int i = 0; i < nodes.size(); i++) {
                if (progress != null) {
                    progress.printf("  node %d/%d: %s%n", i + 1, nodes.size(), nodes.get(i));
                }
                started.add(startNode(nodes.get(i), name + "-n" + (i + 1), options, workDir.resolve("n" + (i + 1)),
                        progress));
            }
        } catch (RuntimeException e) {
            for (Target node : started) {
                try {
                    node.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        return new MultiNodeTarget(started);
    }

    private static Target startNode(String spec, String name, LoadGenerator.Options options, Path workDir,
                                    PrintStream progress) {
        if (spec.startsWith("url:")) {
            return new RunningHeraldTarget(java.net.URI.create(spec.substring(4)), options.token(), options.pid());
        }
        if (spec.equals("nchan")) {
            return NchanTarget.start(workDir.resolve("nchan"), options.nchanWorkers());
        }
        TargetSpec target = TargetSpec.parse(spec);
        String[] parts = target.base().split(":");
        if (parts.length != 2 || !(parts[0].equals("payara") || parts[0].equals("wildfly"))
                || !(parts[1].equals("servlet") || parts[1].equals("jaxrs"))) {
            throw new IllegalArgumentException("target: payara:servlet, payara:jaxrs, wildfly:servlet, wildfly:jaxrs"
                    + " (each optionally @label, with --war label=file), nchan or url:http://host:port, not " + spec);
        }
        Path war = null;
        if (target.variant() != null) {
            war = options.wars().get(target.variant());
            if (war == null) {
                throw new IllegalArgumentException("target " + spec + ": unknown WAR label '" + target.variant()
                        + "'; labels given with --war: " + options.wars().keySet());
            }
        }
        return HeraldTarget.start(parts[0], parts[1], target.variant(), war, name, options.maxHeap(),
                options.heartbeat(), progress);
    }
}
