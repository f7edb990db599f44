package dev.herald.it;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the Arquillian test classes deploy: target/herald.war exactly as built, plus WEB-INF/lib/herald-it-config.jar
 * whose META-INF/microprofile-config.properties holds the class's Herald settings (config_ordinal 150: above
 * the WAR's own file, below environment variables and system properties). On WildFly, which has no
 * MicroProfile Metrics, the settings also point the deployment's OpenTelemetry metrics at an {@link OtlpReceiver}
 * of this JVM, so tests read metrics on both runtimes alike. Test classes run one after another in one JVM,
 * so there is one current deployment; making the next one closes the previous one's receiver.
 */
public final class HeraldDeployment {
    /** Small bounds so that overflow, eviction and resets happen with little traffic. */
    public static final int QUEUE_MAX_EVENTS = 32;
    public static final int QUEUE_MAX_BYTES = 256 * 1024;
    public static final int HISTORY_PER_TOPIC = 100;
    /** herald.writer-threads, explicit so that the JAX-RS engine's test stalls more clients than there are writers. */
    public static final int WRITER_THREADS = 2;

    /** The settings most classes share (their engine aside). */
    public static final Map<String, String> COMMON = Map.ofEntries(
            Map.entry("herald.queue.max-events", Integer.toString(QUEUE_MAX_EVENTS)),
            Map.entry("herald.queue.max-bytes", Integer.toString(QUEUE_MAX_BYTES)),
            Map.entry("herald.history.max-events-per-topic", Integer.toString(HISTORY_PER_TOPIC)),
            Map.entry("herald.heartbeat-interval", "2s"),
            // a stalled WebSocket client answers no ping: with the default 10 s deadline it would be closed as
            // pong-timeout while a slow machine still publishes the slow-consumer tests' 1 200 events (HardeningIT
            // tests the deadline itself)
            Map.entry("herald.ws.pong-timeout", "60s"),
            Map.entry("herald.writer-threads", Integer.toString(WRITER_THREADS)),
            Map.entry("herald.write-timeout", "20s"),
            Map.entry("herald.policies",
                    "drop.*=drop-oldest,conflate.*=conflate:key,disconnect.*=disconnect,prices=conflate:symbol,"
                            + "inventory=conflate:sku,alerts=disconnect,*=drop-oldest"));

    private static OtlpReceiver receiver;
    private static HeraldServer server;

    private HeraldDeployment() {
    }

    /** COMMON with the given SSE engine. */
    public static WebArchive common(String engine) {
        Map<String, String> settings = new TreeMap<>(COMMON);
        settings.put("herald.sse.engine", engine);
        return war(settings);
    }

    /**
     * The WAR with {@code settings} (herald.publish-token defaults to {@link HeraldServer#TOKEN}). Never name an
     * otel.* key the server also gets elsewhere: on Payara a key set twice breaks the deployment.
     */
    public static synchronized WebArchive war(Map<String, String> settings) {
        Map<String, String> all = new TreeMap<>(settings);
        all.putIfAbsent("herald.publish-token", HeraldServer.TOKEN);
        HeraldServer.withQuickDrain(all);
        server = null;
        if (receiver != null) {
            receiver.close();
            receiver = null;
        }
        if (HeraldServer.onWildFly() && !all.containsKey("otel.exporter.otlp.endpoint")) {
            try {
                // keeps ~20 exports of Herald's ~50 metrics
                receiver = OtlpReceiver.start(1000);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            all.putAll(receiver.exportProperties(false));
        }
        Path war = Path.of(System.getProperty("herald.war", "target/herald.war"));
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException(war.toAbsolutePath() + " missing; run mvn package first");
        }
        WebArchive archive = ShrinkWrap.create(ZipImporter.class, "herald.war").importFrom(war.toFile())
                .as(WebArchive.class);
        String properties = "config_ordinal=150\n" + all.entrySet().stream()
                // a properties file: backslashes and line breaks (PEM keys) escaped
                .map(setting -> setting.getKey() + "=" + setting.getValue().replace("\\", "\\\\")
                        .replace("\n", "\\n"))
                .collect(Collectors.joining("\n", "", "\n"));
        archive.addAsLibrary(ShrinkWrap.create(JavaArchive.class, "herald-it-config.jar")
                .addAsManifestResource(new StringAsset(properties), "microprofile-config.properties"));
        return archive;
    }

    /** The server the current deployment runs on, reached at {@code base} (the test's @ArquillianResource URL). */
    public static synchronized HeraldServer server(URL base) {
        if (server == null || server.port() != base.getPort() || !server.isAlive()) {
            server = HeraldServer.deployed(base, receiver);
        }
        return server;
    }
}
