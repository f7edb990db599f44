package dev.herald.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Redeploys after Payara Micro's NCLS-SECURITY-01144 deployment failure (see {@link DeployCheckExtension}),
 * never silently: each one is a line on the test's output and a line in deploy-retries.txt of the runtime's
 * report directory (system property herald.it.reports), which is the count.
 */
final class DeployRetries {
    /** Deployments tried per server; the failure is rare, two in a row would be something else. */
    static final int MAX = 3;
    private static final long READY_WAIT_MILLIS = 20_000;

    private DeployRetries() {
    }

    static synchronized void record(String what) {
        String line = Instant.now() + " " + what + ": Herald was not deployed (Payara Micro NCLS-SECURITY-01144,"
                + " see README \"Operating notes\"), deploying again";
        System.out.println("herald-it: " + line);
        Path reports = Path.of(System.getProperty("herald.it.reports", "target"));
        try {
            Files.createDirectories(reports);
            Files.writeString(reports.resolve("deploy-retries.txt"), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether Herald's readiness check answers on this port; polled for a while, since a deployment that
     * failed leaves /health/ready at 404 and one that worked answers at once.
     */
    static boolean heraldReady(int port) {
        long deadline = System.currentTimeMillis() + READY_WAIT_MILLIS;
        while (true) {
            try {
                HeraldServer.Response health = HeraldServer.get(port, "/health/ready");
                if (health.status() == 200 && health.body().contains("herald-hub")) {
                    return true;
                }
            } catch (UncheckedIOException e) {
                // not listening (yet)
            }
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            try {
                // polling a port: there is no event to wait on
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
