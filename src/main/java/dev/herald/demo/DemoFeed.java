package dev.herald.demo;

import dev.herald.HeraldRuntime;
import dev.herald.hub.HubException;
import dev.herald.publish.PublishException;
import dev.herald.publish.PublishService;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import static dev.herald.json.JsonSupport.JSON;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Live demo data (herald.demo.enabled): random-walk quotes on {@code prices}, stock counts on
 * {@code inventory}, and threshold crossings of both on {@code alerts}. Published through the same
 * {@link PublishService} as the HTTP API, so the demo exercises the real path.
 */
@ApplicationScoped
public class DemoFeed {
    private static final System.Logger LOG = System.getLogger(DemoFeed.class.getName());
    private static final String[] SYMBOLS = {"ACME", "GLOBX", "INITK", "UMBRL", "WAYNE", "STARK"};
    private static final double[] OPENING = {128.40, 54.10, 212.75, 18.90, 341.20, 96.55};
    private static final String[] SKUS = {"SKU-1001", "SKU-1002", "SKU-1003", "SKU-1004", "SKU-1005", "SKU-1006"};
    private static final String[] NAMES = {"Widget", "Gadget", "Sprocket", "Gizmo", "Doohickey", "Flange"};
    private static final String[] WAREHOUSES = {"AMS", "FRA", "LHR", "AMS", "MAD", "FRA"};
    /** An alert fires when a price leaves this band around its last alert level. */
    private static final double ALERT_BAND = 0.02;

    @Inject
    HeraldRuntime runtime;

    private final Random random = new Random();
    private final double[] prices = OPENING.clone();
    private final double[] alertLevels = OPENING.clone();
    private final int[] stock = {40, 25, 60, 12, 80, 33};
    private ScheduledExecutorService timer;
    /** With a shared log the feed runs on the one node holding this lease, renewed every second. */
    private static final String LEASE = "demo-feed";
    private static final Duration LEASE_TTL = Duration.ofSeconds(5);
    private long leaseCheckedNanos;
    private boolean leading;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        if (!runtime.config().demoEnabled()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "herald-demo-feed");
            thread.setDaemon(true);
            return thread;
        });
        long period = runtime.config().demoInterval().toMillis();
        timer.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "Demo feed on: prices, inventory and alerts every {0} ms", period);
    }

    private void tick() {
        try {
            if (!leads()) {
                return;
            }
            PublishService publisher = runtime.publisher();
            for (int i = 0; i < SYMBOLS.length; i++) {
                if (random.nextDouble() < 0.7) {
                    movePrice(publisher, i);
                }
            }
            if (random.nextDouble() < 0.35) {
                moveStock(publisher, random.nextInt(SKUS.length));
            }
        } catch (PublishException | HubException e) {
            LOG.log(Level.WARNING, "demo publish refused: {0}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "demo feed tick failed", e);
        }
    }

    /** Whether this node runs the feed: always on its own, on one node at a time when nodes share a log. */
    private boolean leads() {
        long now = System.nanoTime();
        if (leaseCheckedNanos == 0 || now - leaseCheckedNanos >= TimeUnit.SECONDS.toNanos(1)) {
            leaseCheckedNanos = now;
            boolean holds = runtime.hub().log().holdsLease(LEASE, LEASE_TTL);
            if (holds != leading && runtime.config().sharedLog()) {
                LOG.log(Level.INFO, holds ? "Demo feed: this node ({0}) now publishes it"
                        : "Demo feed: another node publishes it; this node ({0}) stands by", runtime.config().nodeId());
            }
            leading = holds;
        }
        return leading;
    }

    private void movePrice(PublishService publisher, int i) {
        double previous = prices[i];
        double next = Math.max(1, previous * (1 + random.nextGaussian() * 0.002));
        next = Math.round(next * 100) / 100.0;
        prices[i] = next;
        publisher.publish("prices", JSON.createObjectBuilder()
                .add("symbol", SYMBOLS[i]).add("price", next)
                .add("change", Math.round((next - previous) * 100) / 100.0)
                .add("ts", System.currentTimeMillis()).build().toString(), null, null)
                .exceptionally(DemoFeed::refused);
        double level = alertLevels[i];
        if (Math.abs(next - level) / level >= ALERT_BAND) {
            alertLevels[i] = next;
            String direction = next > level ? "rose" : "fell";
            alert(publisher, Math.abs(next - level) / level >= 2 * ALERT_BAND ? "critical" : "warning",
                    String.format("%s %s %.1f%% to %.2f", SYMBOLS[i], direction, 100 * Math.abs(next - level) / level,
                            next), "prices");
        }
    }

    private void moveStock(PublishService publisher, int i) {
        int before = stock[i];
        int after = before <= 0 ? 40 + random.nextInt(60) : Math.max(0, before - 1 - random.nextInt(4));
        stock[i] = after;
        publisher.publish("inventory", JSON.createObjectBuilder()
                .add("sku", SKUS[i]).add("name", NAMES[i]).add("stock", after).add("warehouse", WAREHOUSES[i])
                .build().toString(), null, null)
                .exceptionally(DemoFeed::refused);
        if (after == 0) {
            alert(publisher, "critical", NAMES[i] + " (" + SKUS[i] + ") is out of stock in " + WAREHOUSES[i],
                    "inventory");
        } else if (after < 10 && before >= 10) {
            alert(publisher, "warning", NAMES[i] + " (" + SKUS[i] + ") is low: " + after + " left", "inventory");
        } else if (after > before) {
            alert(publisher, "info", NAMES[i] + " (" + SKUS[i] + ") restocked to " + after, "inventory");
        }
    }

    private static void alert(PublishService publisher, String level, String message, String source) {
        publisher.publish("alerts", JSON.createObjectBuilder().add("level", level).add("message", message)
                .add("source", source).add("ts", System.currentTimeMillis()).build().toString(), null, null)
                .exceptionally(DemoFeed::refused);
    }

    private static String refused(Throwable failure) {
        LOG.log(Level.WARNING, "demo publish refused: {0}", PublishService.unwrap(failure).getMessage());
        return null;
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
