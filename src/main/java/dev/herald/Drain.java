package dev.herald;

import dev.herald.hub.Hub;
import dev.herald.publish.PublishService;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The graceful end of a node, once: readiness turns DOWN at once; after {@code grace} (one load balancer probe
 * interval, so no new client is sent here) publishes are refused with 503 draining and every connection is
 * finished, spread uniformly over {@code period}: its queue written, then SSE a jittered retry hint and the
 * end, WebSocket 1001. Started by POST /api/admin/drain (a Kubernetes preStop hook), SIGTERM or undeploy.
 */
final class Drain {
    private static final System.Logger LOG = System.getLogger(Drain.class.getName());
    /** After the period: how long queued events of slow clients may still take before the hard close. */
    static final Duration FLUSH_MARGIN = Duration.ofSeconds(2);

    private final Hub hub;
    private final PublishService publisher;
    private final Duration grace;
    private final Duration period;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile boolean started;

    Drain(Hub hub, PublishService publisher, Duration grace, Duration period) {
        this.hub = hub;
        this.publisher = publisher;
        this.grace = grace;
        this.period = period;
    }

    boolean started() {
        return started;
    }

    Duration grace() {
        return grace;
    }

    Duration period() {
        return period;
    }

    /** Starts the drain on its own thread unless it has started already; the stage completes when it ends. */
    synchronized CompletableFuture<Void> start(String trigger) {
        if (!started) {
            started = true;
            LOG.log(Level.INFO, "Herald draining ({0}): readiness DOWN, {1} connections end over {2} after a grace"
                    + " of {3}", trigger, hub.connectionCount(), period, grace);
            Thread thread = new Thread(this::run, "herald-drain");
            thread.setDaemon(true);
            thread.start();
        }
        return done;
    }

    private void run() {
        try {
            // the grace is the point: the balancer's next probe sees readiness DOWN and stops sending clients
            Thread.sleep(grace.toMillis());
            publisher.refuseNewPublishes();
            hub.drain(period).get(period.plus(FLUSH_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
            LOG.log(Level.INFO, "Herald drained: every connection closed");
        } catch (TimeoutException e) {
            LOG.log(Level.INFO, "Herald drained: {0} connections still flushing are closed now", hub.connectionCount());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "drain failed; closing what is left", e);
        } finally {
            done.complete(null);
        }
    }

    /** Waits for the drain to end (bounded: grace + period + margin + a second). */
    void await() {
        try {
            done.get(grace.plus(period).plus(FLUSH_MARGIN).plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // late or failed: the hard close that follows ends what is left
        }
    }
}
