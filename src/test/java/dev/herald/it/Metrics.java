package dev.herald.it;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * One reading of Herald's metrics (GET /metrics on Payara, the next OTLP export on WildFly: see
 * {@link HeraldServer#metricsText()}), summed the way {@link FuzzIT} compares them.
 */
record Metrics(Map<String, Double> series) {
    static Metrics read(HeraldServer server) {
        Map<String, Double> series = new HashMap<>();
        for (String line : server.metricsText().split("\n")) {
            int space = line.lastIndexOf(' ');
            if (!line.startsWith("#") && space > 0) {
                try {
                    series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1).trim()));
                } catch (NumberFormatException e) {
                    // not a sample line
                }
            }
        }
        return new Metrics(series);
    }

    /** Reads until the condition holds (at most {@link Poll#TIMEOUT}); the reading that satisfied it. */
    static Metrics await(HeraldServer server, Predicate<Metrics> condition, String what) {
        long deadline = System.nanoTime() + Poll.TIMEOUT.toNanos();
        Metrics metrics = read(server);
        while (!condition.test(metrics)) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + Poll.TIMEOUT + " waiting for " + what + "; last " + metrics);
            }
            try {
                // the metrics offer nothing to wait on
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            metrics = read(server);
        }
        return metrics;
    }

    /** Sum of the series of {@code family} whose labels contain every one of {@code labels} (e.g. reason="x"). */
    double sum(String family, String... labels) {
        double total = 0;
        for (Map.Entry<String, Double> entry : series.entrySet()) {
            String name = entry.getKey();
            if (name.startsWith(family + "{") || name.equals(family)) {
                boolean all = true;
                for (String label : labels) {
                    all &= name.contains(label);
                }
                total += all ? entry.getValue() : 0;
            }
        }
        return total;
    }

    /** herald_connections over both transports. */
    double connections() {
        return sum("herald_connections");
    }

    double openFiles() {
        return sum("process_open_fds");
    }

    /** herald_requests_rejected_total of one endpoint, over every reason. */
    double rejected(String endpoint) {
        return sum("herald_requests_rejected_total", "endpoint=\"" + endpoint + "\"");
    }

    double resets() {
        return sum("herald_resumes_total", "outcome=\"reset\"");
    }

    double writeTimeouts() {
        return sum("herald_connections_closed_total", "reason=\"write-timeout\"");
    }

    @Override
    public String toString() {
        return "connections sse " + sum("herald_connections", "transport=\"sse\"") + " ws "
                + sum("herald_connections", "transport=\"ws\"") + ", open files " + openFiles() + ", rejected publish/sse/ws "
                + rejected("publish") + "/" + rejected("sse") + "/" + rejected("ws");
    }
}
