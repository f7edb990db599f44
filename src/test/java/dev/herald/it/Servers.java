package dev.herald.it;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The integration suite's servers, started once per test JVM (in parallel, ~15 s) and shared by every
 * test class: one per SSE engine. Stopped when the JVM exits.
 */
public final class Servers {
    /** Small bounds so that overflow, eviction and resets happen with little traffic. */
    public static final int QUEUE_MAX_EVENTS = 32;
    public static final int QUEUE_MAX_BYTES = 256 * 1024;
    public static final int HISTORY_PER_TOPIC = 100;
    /** herald.writer-threads, explicit so that the JAX-RS engine's test stalls more clients than there are writers. */
    public static final int WRITER_THREADS = 2;

    private static final Map<String, String> COMMON = Map.ofEntries(
            Map.entry("herald.queue.max-events", Integer.toString(QUEUE_MAX_EVENTS)),
            Map.entry("herald.queue.max-bytes", Integer.toString(QUEUE_MAX_BYTES)),
            Map.entry("herald.history.max-events-per-topic", Integer.toString(HISTORY_PER_TOPIC)),
            Map.entry("herald.heartbeat-interval", "2s"),
            Map.entry("herald.writer-threads", Integer.toString(WRITER_THREADS)),
            Map.entry("herald.write-timeout", "20s"),
            Map.entry("herald.policies",
                    "drop.*=drop-oldest,conflate.*=conflate:key,disconnect.*=disconnect,prices=conflate:symbol,"
                            + "inventory=conflate:sku,alerts=disconnect,*=drop-oldest"));

    private static CompletableFuture<HeraldServer> servlet;
    private static CompletableFuture<HeraldServer> jaxrs;

    private Servers() {
    }

    private static synchronized void startAll() {
        if (servlet == null) {
            servlet = CompletableFuture.supplyAsync(() -> start("servlet"));
            jaxrs = CompletableFuture.supplyAsync(() -> start("jaxrs"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                servlet.thenAccept(HeraldServer::close);
                jaxrs.thenAccept(HeraldServer::close);
            }));
        }
    }

    private static HeraldServer start(String engine) {
        Map<String, String> properties = new java.util.HashMap<>(COMMON);
        properties.put("herald.sse.engine", engine);
        return HeraldServer.start(engine, properties);
    }

    /** Herald with herald.sse.engine=servlet (the default engine). */
    public static HeraldServer servlet() {
        startAll();
        return servlet.join();
    }

    /** Herald with herald.sse.engine=jaxrs. */
    public static HeraldServer jaxrs() {
        startAll();
        return jaxrs.join();
    }
}
