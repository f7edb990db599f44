package dev.herald.bench;

import dev.herald.it.HeraldServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Idle-connection memory benchmark (DESIGN.md, "Hub and backpressure"): starts its own Payara Micro with
 * target/herald.war, opens N idle subscribers of one transport from ONE selector thread, and reports per
 * connection the live heap after a full GC and the native growth (process PSS delta; the server runs with
 * -XX:+AlwaysPreTouch so committed heap is resident from the start and does not pollute the PSS delta).
 *
 * <pre>
 * mvn -q -B -DskipTests package
 * mvn -q -B test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.herald.bench.IdleConnections \
 *     -Dexec.args="sse servlet 5000"
 * </pre>
 * Arguments: transport (sse|ws), engine (servlet|jaxrs; herald.sse.engine), N. Optional system properties:
 * bench.batch (200), bench.warmup (100 connections opened and closed before the baseline), bench.out
 * (target/bench/idle-connections.jsonl), herald.war, payara.micro.jar, payara.preboot, bench.xmx (512m).
 * Prints one result line and appends one JSON line to bench.out. Loopback only.
 */
public final class IdleConnections {
    private static final String TOKEN = "bench-token";
    private static final String TOPIC = "bench";
    /** -Dbench.histogram=true: class histograms before/after, top heap growth per connection printed. */
    private static final boolean HISTOGRAM = Boolean.getBoolean("bench.histogram");
    private static final long BATCH_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: IdleConnections <sse|ws> <servlet|jaxrs> <N>");
            throw new IllegalArgumentException("expected 3 arguments, got " + args.length);
        }
        String transport = args[0].toLowerCase(Locale.ROOT);
        String engine = args[1].toLowerCase(Locale.ROOT);
        int n = Integer.parseInt(args[2]);
        if (!transport.equals("sse") && !transport.equals("ws")) {
            throw new IllegalArgumentException("transport: sse or ws, not " + transport);
        }
        if (!engine.equals("servlet") && !engine.equals("jaxrs")) {
            throw new IllegalArgumentException("engine: servlet or jaxrs, not " + engine);
        }
        int batch = Integer.getInteger("bench.batch", 200);
        int warmup = Integer.getInteger("bench.warmup", 100);
        Path out = Path.of(System.getProperty("bench.out", "target/bench/idle-connections.jsonl"));

        Result result = new Result(transport, engine, n);
        String name = transport + "-" + engine + "-" + n;
        try (HeraldServer server = startServer(name, engine)) {
            result.serverLog = server.log().toString();
            try (Clients clients = new Clients(transport, server.port())) {
                if (warmup > 0) {
                    // loads classes, JITs and lazily initialised container parts (Tyrus, Jersey SSE) so the
                    // baseline does not bill one-time costs to the connections
                    System.out.printf("warm-up: %d %s connections%n", warmup, transport);
                    clients.open(warmup, batch, server);
                    awaitGauge(server, transport, warmup, 30);
                    clients.closeAll();
                    awaitGauge(server, transport, 0, 180);
                    clients.resetCounters();
                }
                Snapshot base = snapshot(server);
                Map<String, long[]> histogramBefore = HISTOGRAM ? histogram(server, "base") : Map.of();
                System.out.printf("baseline: heap %,d KB used / %,d KB committed, PSS %,d KB, threads %d%n",
                        base.heapUsedKb, base.heapCommittedKb, base.pssKb, base.threads);

                long start = System.nanoTime();
                result.maxThreads = clients.open(n, batch, server);
                result.openSeconds = (System.nanoTime() - start) / 1e9;
                result.opened = clients.opened.get();
                result.failed = clients.failed.get();
                result.failures = clients.failureSummary();
                // the response head can precede the hub registration (Tyrus answers 101 before onOpen runs)
                result.gauge = awaitGauge(server, transport, result.opened, 10);
                System.out.printf("opened %d, failed %d in %.1f s; herald_connections{transport=\"%s\"} = %d%n",
                        result.opened, result.failed, result.openSeconds, transport, result.gauge);

                Snapshot loaded = snapshot(server);
                if (HISTOGRAM) {
                    printHistogramDiff(histogramBefore, histogram(server, "loaded"), n);
                }
                result.serverClosedWhileOpen = clients.closedByServer.get();
                int held = result.opened - result.serverClosedWhileOpen;
                result.measure(base, loaded, Math.max(held, 1));
                System.out.printf("loaded:   heap %,d KB used / %,d KB committed, PSS %,d KB, threads %d%n",
                        loaded.heapUsedKb, loaded.heapCommittedKb, loaded.pssKb, loaded.threads);

                long closing = System.nanoTime();
                clients.closeAll();
                result.gaugeAfterClose = awaitGauge(server, transport, 0, 180);
                result.closeSeconds = (System.nanoTime() - closing) / 1e9;
                result.closedReasons = closedReasons(server, transport);
                System.out.printf("closed all; gauge %d after %.1f s; %s%n", result.gaugeAfterClose,
                        result.closeSeconds, result.closedReasons);
            }
            result.serverAlive = server.isAlive();
        }
        result.scanLog(Path.of(result.serverLog));
        result.held = result.failed == 0 && result.opened == n && result.gauge == n
                && result.serverClosedWhileOpen == 0 && result.gaugeAfterClose == 0
                && result.outOfMemoryErrors == 0 && result.serverAlive;
        System.out.println(result.line());
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, result.json() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println("appended to " + out.toAbsolutePath());
    }

    /** Polls the gauge until it equals {@code expected} or the deadline passes; returns the last value. */
    private static long awaitGauge(HeraldServer server, String transport, long expected, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long value = -1;
        while (true) {
            value = gauge(server, transport);
            if (value == expected || System.nanoTime() > deadline) {
                if (value != expected) {
                    System.out.printf("gauge still %d (expected %d) after %d s%n", value, expected, seconds);
                }
                return value;
            }
            // the server closes its side asynchronously; there is nothing to wait on but the gauge itself
            Thread.sleep(250);
        }
    }

    /** herald_connections_closed_total{transport=...,reason=...} values, as "reason=count, ...". */
    private static String closedReasons(HeraldServer server, String transport) {
        Map<String, Long> reasons = new TreeMap<>();
        for (String line : server.metricsText().split("\n")) {
            if (line.startsWith("herald_connections_closed_total{") && line.contains("transport=\"" + transport + "\"")) {
                Matcher reason = Pattern.compile("reason=\"([^\"]*)\"").matcher(line);
                String value = line.substring(line.lastIndexOf('}') + 1).trim().split("\\s+")[0];
                reasons.put(reason.find() ? reason.group(1) : "?", (long) Double.parseDouble(value));
            }
        }
        return "closed_total" + reasons;
    }

    private static void printHistogramDiff(Map<String, long[]> before, Map<String, long[]> after, int n) {
        record Growth(String type, long instances, long bytes) {
        }
        List<Growth> growth = new ArrayList<>();
        after.forEach((type, counts) -> {
            long[] old = before.getOrDefault(type, new long[2]);
            growth.add(new Growth(type, counts[0] - old[0], counts[1] - old[1]));
        });
        growth.sort(Comparator.comparingLong(Growth::bytes).reversed());
        System.out.println("  heap growth per connection by class (GC.class_histogram, top 25):");
        for (Growth g : growth.subList(0, Math.min(25, growth.size()))) {
            System.out.printf(Locale.ROOT, "    %8.1f B  %6.2f inst  %s%n", g.bytes / (double) n, g.instances / (double) n,
                    g.type);
        }
    }

    /** herald_connections{transport=...} from /metrics (Prometheus text), -1 if absent. */
    private static long gauge(HeraldServer server, String transport) {
        String body = server.metricsText();
        for (String line : body.split("\n")) {
            if (!line.startsWith("herald_connections{") || !line.contains("transport=\"" + transport + "\"")) {
                continue;
            }
            String value = line.substring(line.lastIndexOf('}') + 1).trim().split("\\s+")[0];
            return (long) Double.parseDouble(value);
        }
        return -1;
    }

    /**
     * Herald as the README runs it, plus -XX:+AlwaysPreTouch: committed heap is resident from the start, so
     * it does not pollute the PSS delta.
     */
    private static HeraldServer startServer(String name, String engine) {
        return HeraldServer.builder(name)
                .files("bench/root-" + name, "bench/server-" + name + ".log")
                .maxHeap(System.getProperty("bench.xmx", "512m"))
                .jvmArg("-XX:+AlwaysPreTouch")
                .property("herald.publish-token", TOKEN)
                .property("herald.sse.engine", engine)
                .progress(System.out)
                .start();
    }

    private static Snapshot snapshot(HeraldServer server) throws IOException {
        HeraldServer.Heap heap = server.heapAfterGc();
        // read PSS after jcmd has exited: its JVM shares library pages with the server while it lives
        long pss = 0;
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(server.pid()), "smaps_rollup"))) {
            if (line.startsWith("Pss:")) {
                pss += Long.parseLong(line.replaceAll("\\D+", ""));
            } else if (line.startsWith("Rss:")) {
                rss += Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        return new Snapshot(heap.usedBytes() / 1024, heap.committedBytes() / 1024, pss, rss, threads(server));
    }

    /** jcmd GC.class_histogram (a full GC first), saved next to the log; class -> {instances, bytes}. */
    private static Map<String, long[]> histogram(HeraldServer server, String label) throws IOException {
        String text = server.jcmd("GC.class_histogram");
        Files.writeString(Path.of(server.log().toString().replace(".log", "-histo-" + label + ".txt")), text);
        Map<String, long[]> classes = new TreeMap<>();
        Matcher row = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)").matcher(text);
        while (row.find()) {
            classes.merge(row.group(3), new long[] {Long.parseLong(row.group(1)), Long.parseLong(row.group(2))},
                    (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        }
        return classes;
    }

    /** The server's thread count (/proc status), -1 if unreadable. */
    private static int threads(HeraldServer server) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(server.pid()), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring("Threads:".length()).trim());
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    record Snapshot(long heapUsedKb, long heapCommittedKb, long pssKb, long rssKb, int threads) {
    }

    /**
     * The idle subscribers: non-blocking SocketChannels served by ONE selector thread, which connects, sends
     * the request, checks the response head, then reads and discards everything (answering WS pings).
     */
    static final class Clients implements AutoCloseable {
        private static final SecureRandom RANDOM = new SecureRandom();
        private final String transport;
        private final int port;
        private final Selector selector;
        private final Thread thread;
        private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
        private final List<Conn> all = new ArrayList<>(); // selector thread only
        private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
        private volatile boolean running = true;
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger closedByServer = new AtomicInteger();
        final AtomicLong bytesRead = new AtomicLong();
        final AtomicLong pongs = new AtomicLong();
        private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

        Clients(String transport, int port) throws IOException {
            this.transport = transport;
            this.port = port;
            this.selector = Selector.open();
            this.thread = new Thread(this::loop, "idle-clients-selector");
            thread.setDaemon(true);
            thread.start();
        }

        void resetCounters() {
            opened.set(0);
            failed.set(0);
            closedByServer.set(0);
            failures.clear();
        }

        String failureSummary() {
            Map<String, Long> sorted = new TreeMap<>();
            failures.forEach((reason, count) -> sorted.put(reason, count.sum()));
            return sorted.toString();
        }

        /**
         * Opens {@code n} subscribers in batches, each batch waiting for its response heads; stops early after
         * a batch with failures. Returns the highest server thread count seen.
         */
        int open(int n, int batch, HeraldServer server) throws InterruptedException {
            int maxThreads = threads(server);
            int requested = 0;
            long t0 = System.nanoTime();
            while (requested < n) {
                int size = Math.min(batch, n - requested);
                int failedBefore = failed.get();
                int target = opened.get() + failed.get() + size;
                List<Conn> pending = new ArrayList<>(size);
                commands.add(() -> {
                    for (int i = 0; i < size; i++) {
                        pending.add(connect());
                    }
                });
                selector.wakeup();
                requested += size;
                long deadline = System.nanoTime() + BATCH_TIMEOUT_NANOS;
                synchronized (this) {
                    while (opened.get() + failed.get() < target && System.nanoTime() < deadline) {
                        wait(100);
                    }
                }
                if (opened.get() + failed.get() < target) {
                    commands.add(() -> {
                        for (Conn conn : pending) {
                            if (conn.state == State.CONNECTING || conn.state == State.SENT) {
                                fail(conn, "no response head within " + BATCH_TIMEOUT_NANOS / 1_000_000_000 + " s");
                            }
                        }
                    });
                    selector.wakeup();
                    synchronized (this) {
                        while (opened.get() + failed.get() < target) {
                            wait(100);
                        }
                    }
                }
                int threads = threads(server);
                maxThreads = Math.max(maxThreads, threads);
                if (requested % 1000 == 0 || requested == n || failed.get() > failedBefore) {
                    System.out.printf("  %s: %,d/%,d open, %d failed, server threads %d, %.1f s%n", transport,
                            opened.get(), n, failed.get(), threads, (System.nanoTime() - t0) / 1e9);
                }
                if (failed.get() > failedBefore) {
                    System.out.println("  stopping: failures " + failureSummary());
                    break;
                }
            }
            return maxThreads;
        }

        void closeAll() throws InterruptedException {
            AtomicInteger done = new AtomicInteger();
            commands.add(() -> {
                for (Conn conn : all) {
                    conn.close();
                }
                all.clear();
                done.set(1);
            });
            selector.wakeup();
            while (done.get() == 0) {
                Thread.sleep(20);
            }
        }

        private Conn connect() {
            Conn conn = new Conn();
            all.add(conn);
            try {
                conn.channel = SocketChannel.open();
                conn.channel.configureBlocking(false);
                conn.request = ByteBuffer.wrap(request().getBytes(StandardCharsets.US_ASCII));
                if (conn.channel.connect(new InetSocketAddress("127.0.0.1", port))) {
                    connected(conn);
                } else {
                    conn.key = conn.channel.register(selector, SelectionKey.OP_CONNECT, conn);
                }
            } catch (IOException e) {
                fail(conn, "connect: " + e);
            }
            return conn;
        }

        private String request() {
            String host = "Host: 127.0.0.1:" + port + "\r\n";
            if (transport.equals("sse")) {
                return "GET /api/events?topic=" + TOPIC + " HTTP/1.1\r\n" + host
                        + "Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n";
            }
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            return "GET /ws/events?topic=" + TOPIC + " HTTP/1.1\r\n" + host
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n";
        }

        private void connected(Conn conn) throws IOException {
            conn.state = State.SENT;
            conn.head = new ByteArrayOutputStream(256);
            flush(conn);
        }

        private void flush(Conn conn) throws IOException {
            conn.channel.write(conn.request);
            int ops = SelectionKey.OP_READ | (conn.request.hasRemaining() ? SelectionKey.OP_WRITE : 0);
            if (conn.key == null) {
                conn.key = conn.channel.register(selector, ops, conn);
            } else {
                conn.key.interestOps(ops);
            }
            if (!conn.request.hasRemaining()) {
                conn.request = null;
            }
        }

        private void loop() {
            try {
                while (running) {
                    selector.select(200);
                    Runnable command;
                    while ((command = commands.poll()) != null) {
                        command.run();
                    }
                    var keys = selector.selectedKeys();
                    for (SelectionKey key : keys) {
                        Conn conn = (Conn) key.attachment();
                        try {
                            if (!key.isValid()) {
                                continue;
                            }
                            if (key.isConnectable()) {
                                conn.channel.finishConnect();
                                connected(conn);
                            } else {
                                if (key.isWritable() && conn.request != null) {
                                    flush(conn);
                                }
                                if (key.isReadable()) {
                                    read(conn);
                                }
                            }
                        } catch (IOException e) {
                            if (conn.state == State.OPEN) {
                                serverClosed(conn);
                            } else {
                                fail(conn, (conn.state == State.CONNECTING ? "connect: " : "request: ") + e);
                            }
                        }
                    }
                    keys.clear();
                }
            } catch (IOException | RuntimeException e) {
                e.printStackTrace();
            }
        }

        private void read(Conn conn) throws IOException {
            while (true) {
                readBuffer.clear();
                int count = conn.channel.read(readBuffer);
                if (count < 0) {
                    if (conn.state == State.OPEN) {
                        serverClosed(conn);
                    } else {
                        fail(conn, "closed before the response head"
                                + (conn.head.size() > 0 ? ": " + firstLine(conn.head.toString(StandardCharsets.ISO_8859_1)) : ""));
                    }
                    return;
                }
                if (count == 0) {
                    return;
                }
                bytesRead.addAndGet(count);
                readBuffer.flip();
                if (conn.state == State.SENT) {
                    byte[] bytes = new byte[readBuffer.remaining()];
                    readBuffer.get(bytes);
                    conn.head.write(bytes, 0, bytes.length);
                    String text = conn.head.toString(StandardCharsets.ISO_8859_1);
                    int end = text.indexOf("\r\n\r\n");
                    if (end < 0) {
                        if (conn.head.size() > 16 * 1024) {
                            fail(conn, "response head larger than 16 KiB");
                            return;
                        }
                        continue;
                    }
                    String status = firstLine(text);
                    String expected = transport.equals("sse") ? " 200" : " 101";
                    if (!status.contains(expected)) {
                        fail(conn, "status: " + status);
                        return;
                    }
                    conn.head = null;
                    conn.state = State.OPEN;
                    opened.incrementAndGet();
                    signal();
                    byte[] rest = text.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1);
                    if (transport.equals("ws")) {
                        frames(conn, ByteBuffer.wrap(rest));
                    }
                } else if (transport.equals("ws")) {
                    frames(conn, readBuffer);
                }
                // SSE: the body (retry hint, keep-alive comments) is read and discarded
            }
        }

        /** Discards WebSocket frames, answering pings with a masked pong; keeps only an incomplete frame. */
        private void frames(Conn conn, ByteBuffer data) throws IOException {
            ByteBuffer buffer = data;
            if (conn.partial != null) {
                ByteBuffer joined = ByteBuffer.allocate(conn.partial.length + data.remaining());
                joined.put(conn.partial).put(data).flip();
                buffer = joined;
                conn.partial = null;
            }
            while (buffer.remaining() >= 2) {
                int start = buffer.position();
                int b0 = buffer.get() & 0xff;
                int b1 = buffer.get() & 0xff;
                long length = b1 & 0x7f;
                int extra = length == 126 ? 2 : length == 127 ? 8 : 0;
                if (buffer.remaining() < extra) {
                    buffer.position(start);
                    break;
                }
                if (length == 126) {
                    length = buffer.getShort() & 0xffff;
                } else if (length == 127) {
                    length = buffer.getLong();
                }
                int opcode = b0 & 0x0f;
                if (buffer.remaining() < length) {
                    if (length > 1 << 20) {
                        throw new IOException("frame of " + length + " bytes on an idle subscription");
                    }
                    buffer.position(start);
                    break;
                }
                byte[] payload = new byte[(int) length];
                buffer.get(payload);
                if (opcode == 0x9) {
                    pong(conn, payload);
                }
            }
            if (buffer.hasRemaining()) {
                conn.partial = new byte[buffer.remaining()];
                buffer.get(conn.partial);
            }
        }

        private void pong(Conn conn, byte[] payload) throws IOException {
            ByteBuffer frame = ByteBuffer.allocate(2 + 4 + payload.length);
            frame.put((byte) 0x8A).put((byte) (0x80 | payload.length));
            byte[] mask = new byte[4];
            RANDOM.nextBytes(mask);
            frame.put(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.put((byte) (payload[i] ^ mask[i & 3]));
            }
            frame.flip();
            conn.channel.write(frame); // 6 bytes to an idle socket: the send buffer always has room
            pongs.incrementAndGet();
        }

        private static String firstLine(String text) {
            int end = text.indexOf("\r\n");
            return end < 0 ? text : text.substring(0, end);
        }

        private void fail(Conn conn, String reason) {
            if (conn.state == State.FAILED || conn.state == State.CLOSED) {
                return;
            }
            conn.close();
            conn.state = State.FAILED;
            failures.computeIfAbsent(reason, r -> new LongAdder()).increment();
            failed.incrementAndGet();
            signal();
        }

        private void serverClosed(Conn conn) {
            conn.close();
            conn.state = State.CLOSED;
            closedByServer.incrementAndGet();
            failures.computeIfAbsent("closed by the server after opening", r -> new LongAdder()).increment();
        }

        private synchronized void signal() {
            notifyAll();
        }

        @Override
        public void close() throws IOException {
            try {
                closeAll();
                running = false;
                selector.wakeup();
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running = false;
                selector.close();
            }
        }
    }

    enum State { CONNECTING, SENT, OPEN, FAILED, CLOSED }

    static final class Conn {
        SocketChannel channel;
        SelectionKey key;
        ByteBuffer request;
        ByteArrayOutputStream head;
        byte[] partial;
        State state = State.CONNECTING;

        void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing an idle socket: nothing to report
                }
            }
            if (state == State.OPEN || state == State.SENT || state == State.CONNECTING) {
                state = State.CLOSED;
            }
        }
    }

    static final class Result {
        final String transport;
        final String engine;
        final int n;
        int opened;
        int failed;
        int serverClosedWhileOpen;
        String failures = "{}";
        long gauge = -1;
        long gaugeAfterClose = -1;
        int maxThreads;
        double openSeconds;
        double closeSeconds;
        String closedReasons = "";
        Snapshot base;
        Snapshot loaded;
        double heapKb;
        double pssKb;
        double nativeKb;
        long outOfMemoryErrors;
        long tooManyFiles;
        long severe;
        boolean serverAlive;
        boolean held;
        String serverLog;

        Result(String transport, String engine, int n) {
            this.transport = transport;
            this.engine = engine;
            this.n = n;
        }

        void measure(Snapshot before, Snapshot after, int connections) {
            base = before;
            loaded = after;
            heapKb = (after.heapUsedKb - before.heapUsedKb) / (double) connections;
            pssKb = (after.pssKb - before.pssKb) / (double) connections;
            // committed heap is pre-touched, hence resident: if G1 grew or shrank it between the two
            // snapshots, that change is heap sizing, not native memory of the connections
            nativeKb = (after.pssKb - before.pssKb - (after.heapCommittedKb - before.heapCommittedKb))
                    / (double) connections;
        }

        void scanLog(Path log) throws IOException {
            for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
                if (line.contains("OutOfMemoryError")) {
                    outOfMemoryErrors++;
                }
                if (line.contains("Too many open files")) {
                    tooManyFiles++;
                }
                if (line.contains("SEVERE")) {
                    severe++;
                }
            }
        }

        String line() {
            return String.format(Locale.ROOT,
                    "RESULT %s/%s N=%d opened=%d failed=%d gauge=%d heap=%.2f KB/conn native=%.2f KB/conn"
                            + " sum=%.2f KB/conn (pssDelta=%.2f KB/conn, committedHeap %d->%d KB)"
                            + " threads=%d->%d (max %d) open=%.1fs gaugeAfterClose=%d (%.0fs) OOM=%d SEVERE=%d held=%s%s",
                    transport, engine, n, opened, failed, gauge, heapKb, nativeKb, heapKb + nativeKb, pssKb,
                    base == null ? -1 : base.heapCommittedKb, loaded == null ? -1 : loaded.heapCommittedKb,
                    base == null ? -1 : base.threads, loaded == null ? -1 : loaded.threads, maxThreads, openSeconds,
                    gaugeAfterClose, closeSeconds, outOfMemoryErrors, severe, held ? "YES" : "NO",
                    failed > 0 || serverClosedWhileOpen > 0 ? " failures=" + failures : "");
        }

        String json() {
            return String.format(Locale.ROOT,
                    "{\"time\":\"%s\",\"transport\":\"%s\",\"engine\":\"%s\",\"n\":%d,\"opened\":%d,\"failed\":%d,"
                            + "\"closedByServer\":%d,\"failures\":\"%s\",\"gauge\":%d,\"gaugeAfterClose\":%d,"
                            + "\"heapKbPerConn\":%.3f,\"nativeKbPerConn\":%.3f,\"sumKbPerConn\":%.3f,"
                            + "\"pssDeltaKbPerConn\":%.3f,\"heapUsedKb\":[%d,%d],\"heapCommittedKb\":[%d,%d],"
                            + "\"pssKb\":[%d,%d],\"rssKb\":[%d,%d],\"threads\":[%d,%d],\"maxThreads\":%d,"
                            + "\"openSeconds\":%.2f,\"closeSeconds\":%.2f,\"closedReasons\":\"%s\",\"outOfMemoryErrors\":%d,\"tooManyOpenFiles\":%d,\"severe\":%d,"
                            + "\"held\":%s,\"java\":\"%s\",\"jvm\":\"-Xmx%s -Xss256k -XX:+UseG1GC -XX:+AlwaysPreTouch\"}",
                    Instant.now(), transport, engine, n, opened, failed, serverClosedWhileOpen,
                    failures.replace("\"", "'"), gauge, gaugeAfterClose, heapKb, nativeKb, heapKb + nativeKb, pssKb,
                    base.heapUsedKb, loaded.heapUsedKb, base.heapCommittedKb, loaded.heapCommittedKb,
                    base.pssKb, loaded.pssKb, base.rssKb, loaded.rssKb, base.threads, loaded.threads, maxThreads,
                    openSeconds, closeSeconds, closedReasons, outOfMemoryErrors, tooManyFiles, severe, held, System.getProperty("java.version"),
                    System.getProperty("bench.xmx", "512m"));
        }
    }
}
