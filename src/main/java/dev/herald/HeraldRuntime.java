package dev.herald;

import dev.herald.config.HeraldConfig;
import dev.herald.hub.HeraldMetrics;
import dev.herald.hub.Hub;
import dev.herald.hub.EventLog;
import dev.herald.log.MemoryEventLog;
import dev.herald.log.redis.RedisEventLog;
import dev.herald.observability.Observability;
import dev.herald.publish.PublishService;
import dev.herald.security.AccessControl;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;

import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Composition root: reads the configuration once, builds the hub and the publish path, and closes them when
 * the application stops. Transports, the publish API and the demo feed all reach the hub through here.
 */
@ApplicationScoped
public class HeraldRuntime {
    private static final System.Logger LOG = System.getLogger(HeraldRuntime.class.getName());

    private volatile HeraldConfig config;
    private volatile HeraldMetrics metrics;
    private volatile Hub hub;
    private volatile PublishService publisher;
    private volatile AccessControl access;
    private volatile Drain drain;
    private volatile Thread shutdownHook;
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** Open until stop() has closed every client. */
    private final CountDownLatch closed = new CountDownLatch(1);

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        ensureStarted();
    }

    private void ensureStarted() {
        if (hub == null) {
            startOnce();
        }
    }

    private synchronized void startOnce() {
        if (hub != null) {
            return;
        }
        HeraldConfig configured = HeraldConfig.from(ConfigProvider.getConfig(HeraldRuntime.class.getClassLoader()));
        Observability observability = Observability.create(Observability.backend(configured.metricsBackend()));
        HeraldMetrics heraldMetrics = observability.metrics();
        EventLog log;
        String logDescription;
        if (configured.sharedLog()) {
            RedisEventLog redis = new RedisEventLog(configured.redis());
            log = redis;
            logDescription = "Redis log " + redis.describe();
        } else {
            MemoryEventLog memory = new MemoryEventLog(configured.hub(), configured.idempotencyMaxKeys(),
                    configured.logTimeout(), MemoryEventLog.newEpoch());
            log = memory;
            logDescription = "in-memory log epoch " + memory.epoch();
        }
        Hub created = new Hub(configured.hub(), log, heraldMetrics, observability.tracing().fanOutObserver());
        observability.bind(created, this::draining);
        String token = configured.publishToken().orElseGet(HeraldRuntime::generatedToken);
        AccessControl control = new AccessControl(configured.security().withOperatorToken(token));
        config = configured;
        metrics = heraldMetrics;
        access = control;
        publisher = new PublishService(log, configured, control, heraldMetrics, observability.tracing());
        drain = new Drain(created, publisher, configured.drainGrace(), configured.drainPeriod());
        // published last: readers that see the hub see everything else too
        hub = created;
        // Payara Micro stops on SIGTERM without undeploying (no @PreDestroy): this hook still tells every
        // client why it is closed (WebSocket 1001) instead of leaving it to time out
        shutdownHook = new Thread(this::stop, "herald-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        warnAboveTheFileLimit(configured.hub().maxConnections());
        LOG.log(Level.INFO, "Herald started: node {0}, {1}, SSE engine {2}, policies {3}", configured.nodeId(),
                logDescription, configured.sseEngine().name().toLowerCase(java.util.Locale.ROOT),
                configured.hub().policies());
    }

    /** File descriptors Herald keeps besides client connections: jars, logs, selectors, Redis, the metrics port. */
    static final int RESERVED_FILE_DESCRIPTORS = 512;

    /**
     * Every connection is a file descriptor: above the process limit, accepts fail inside the container (no
     * answer Herald could give) before herald.max-connections answers 503. Warned, not refused: a server that
     * does not start is worse than one whose limit is the kernel's.
     */
    private static void warnAboveTheFileLimit(int maxConnections) {
        long maxFiles = dev.herald.observability.ProcessStats.maxFileDescriptors();
        if (maxFiles > 0 && maxConnections + RESERVED_FILE_DESCRIPTORS > maxFiles) {
            LOG.log(Level.WARNING, "herald.max-connections={0} needs about {1} open files, but this process may open"
                    + " {2} (ulimit -n): raise the limit, or lower herald.max-connections to {3}",
                    // as text: MessageFormat would group the digits (1,000,000), which is not a value to copy
                    Integer.toString(maxConnections), Long.toString(maxConnections + RESERVED_FILE_DESCRIPTORS),
                    Long.toString(maxFiles), Long.toString(Math.max(1, maxFiles - RESERVED_FILE_DESCRIPTORS)));
        }
    }

    private static String generatedToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        // logged once so a developer can publish; production sets herald.publish-token
        LOG.log(Level.WARNING, "herald.publish-token is not set; generated publish token for this run: {0}", token);
        return token;
    }

    public HeraldConfig config() {
        ensureStarted();
        return config;
    }

    public Hub hub() {
        ensureStarted();
        return hub;
    }

    public HeraldMetrics metrics() {
        ensureStarted();
        return metrics;
    }

    /** Who may publish and subscribe (tokens, scopes, private topics, origins). */
    public AccessControl access() {
        ensureStarted();
        return access;
    }

    public PublishService publisher() {
        ensureStarted();
        return publisher;
    }

    /** True from the moment a drain starts: readiness is DOWN. */
    public boolean draining() {
        Drain current = drain;
        return current != null && current.started();
    }

    /**
     * Starts the graceful drain (see {@link Drain}) unless it runs already; returns its grace and period. The
     * node stays drained: it is meant to stop next (Kubernetes sends SIGTERM after the preStop hook).
     */
    public DrainState startDrain(String trigger) {
        ensureStarted();
        return new DrainState(drain.grace(), drain.period(), drain.start(trigger));
    }

    /** A started drain: its timings, and a stage that completes when every connection has ended. */
    public record DrainState(java.time.Duration grace, java.time.Duration period,
                             java.util.concurrent.CompletionStage<Void> done) {
    }

    @PreDestroy
    void undeploy() {
        try {
            if (shutdownHook != null) {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            }
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs stop() itself
        }
        stop();
    }

    /**
     * Not synchronized: closing WebSocket sessions calls back into this bean (onClose) on the writer threads
     * that hub.close() waits for.
     */
    private void stop() {
        Hub current = hub;
        if (current == null) {
            return;
        }
        if (stopped.compareAndSet(false, true)) {
            try {
                Drain draining = drain;
                if (draining != null) {
                    draining.start("stopping");
                    draining.await();
                }
                LOG.log(Level.INFO, "Herald stopping: closing {0} connections", current.connectionCount());
                current.close();
                current.log().close();
            } finally {
                closed.countDown();
            }
            return;
        }
        // WildFly undeploys on SIGTERM while the shutdown hook is still closing clients: the container must not
        // close their WebSocket sessions first (1001 without Herald's JSON reason), so undeploy waits for it
        try {
            HeraldConfig settings = config;
            closed.await(10 + settings.drainGrace().plus(settings.drainPeriod()).toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
