package dev.herald.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Many subscribers of one transport on non-blocking sockets served by ONE selector thread (no thread per
 * connection, a few hundred bytes of client state each). Every event is parsed for its send time and
 * sequence number: latency goes into a histogram, sequence jumps count as gaps. Subscribers can be told to
 * stop reading (a slow consumer, as the server sees it) or to reconnect with their last event id.
 *
 * <p>The JDK's HttpClient is not used on purpose: it cannot stop reading one stream without stalling its
 * connection's selector work, and it costs tens of KB per open stream on the client side.
 */
final class Subscribers implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long HEAD_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final String host;
    private final int port;
    private final Dialect dialect;
    private final boolean webSocket;
    private final String topic;
    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private volatile boolean running = true;

    // selector thread only
    private final List<Conn> all = new ArrayList<>();
    private final Counters counters = new Counters();
    private final LatencyStats latency = new LatencyStats();
    private final Map<String, Integer> failures = new TreeMap<>();
    private List<Conn> waitingForHead = new ArrayList<>();

    Subscribers(String host, int port, Dialect dialect, String transport, String topic) throws IOException {
        this.host = host;
        this.port = port;
        this.dialect = dialect;
        this.webSocket = switch (transport) {
            case "sse" -> false;
            case "ws" -> true;
            default -> throw new IllegalArgumentException("transport: sse or ws, not " + transport);
        };
        this.topic = topic;
        this.selector = Selector.open();
        this.thread = new Thread(this::loop, "subscribers-selector");
        thread.setDaemon(true);
        thread.start();
    }

    /** What the selector thread counted; {@link #stats} copies it. */
    static final class Counters {
        int open;
        int failed;
        int closedByServer;
        long delivered;
        long gaps;
        long duplicates;
        long resets;
        long droppedSignals;
        int reconnected;
        int slow;

        Counters copy() {
            Counters c = new Counters();
            c.open = open;
            c.failed = failed;
            c.closedByServer = closedByServer;
            c.delivered = delivered;
            c.gaps = gaps;
            c.duplicates = duplicates;
            c.resets = resets;
            c.droppedSignals = droppedSignals;
            c.reconnected = reconnected;
            c.slow = slow;
            return c;
        }
    }

    /** A copy of the counters and the encoded latency histogram; {@code resetEvents} zeroes the event counts. */
    record Stats(Counters counters, String latency, String failures) {
        String line() {
            Counters c = counters;
            return String.format(Locale.ROOT,
                    "open=%d slow=%d failed=%d closedByServer=%d delivered=%d gaps=%d duplicates=%d resets=%d dropped=%d"
                            + " reconnected=%d latency=%s failures=%s",
                    c.open, c.slow, c.failed, c.closedByServer, c.delivered, c.gaps, c.duplicates, c.resets, c.droppedSignals,
                    c.reconnected, latency, failures.replace(' ', '_'));
        }
    }

    Stats stats(boolean resetEvents) {
        return onSelector(() -> {
            Stats stats = new Stats(counters.copy(), latency.encode(), failures.toString());
            if (resetEvents) {
                counters.delivered = 0;
                counters.gaps = 0;
                counters.duplicates = 0;
                counters.resets = 0;
                counters.droppedSignals = 0;
                latency.reset();
            }
            return stats;
        });
    }

    /**
     * Opens {@code n} subscribers in batches of {@code batch}, each batch waiting for its subscriptions to be
     * live; stops after a batch with failures. {@code progress} gets a line per 1 000. Slow subscribers get
     * a 4 KiB receive buffer and stop reading once subscribed, so the server's queue for them fills after a
     * few KB instead of after the kernel's autotuned megabytes.
     */
    void open(int n, int batch, boolean slow, java.util.function.Consumer<String> progress) {
        int requested = 0;
        long t0 = System.nanoTime();
        int openBefore = onSelector(() -> counters.open);
        while (requested < n) {
            int size = Math.min(batch, n - requested);
            int failedBefore = onSelector(() -> counters.failed);
            onSelector(() -> {
                for (int i = 0; i < size; i++) {
                    Conn conn = new Conn(all.size(), slow);
                    all.add(conn);
                    connect(conn, null);
                }
                return null;
            });
            requested += size;
            awaitHeads();
            int[] state = onSelector(() -> new int[] {counters.open, counters.failed});
            if (requested % 1000 == 0 || requested == n || state[1] > failedBefore) {
                progress.accept(String.format(Locale.ROOT, "%,d/%,d open, %d failed, %.1f s", state[0] - openBefore, n, state[1],
                        (System.nanoTime() - t0) / 1e9));
            }
            if (state[1] > failedBefore) {
                progress.accept("stopping: " + onSelector(failures::toString));
                return;
            }
        }
    }

    /**
     * Closes every {@code every}-th reading subscriber and opens it again at once, resuming from the last
     * event id it saw (Last-Event-ID header for SSE, the lastEventId parameter for Herald's WebSocket).
     * Returns after the new subscriptions are live.
     */
    int reconnect(int every) {
        int count = onSelector(() -> {
            int n = 0;
            for (int i = 0; i < all.size(); i += every) {
                Conn conn = all.get(i);
                if (conn.state == State.LIVE && !conn.paused) {
                    conn.closeChannel();
                    counters.open--;
                    connect(conn, conn.lastId);
                    conn.reconnecting = true;
                    n++;
                }
            }
            return n;
        });
        awaitHeads();
        return count;
    }

    void closeAll() {
        onSelector(() -> {
            for (Conn conn : all) {
                if (conn.state == State.LIVE) {
                    counters.open--;
                }
                conn.closeChannel();
                conn.state = State.CLOSED;
            }
            all.clear();
            return null;
        });
    }

    private void awaitHeads() {
        long deadline = System.nanoTime() + HEAD_TIMEOUT_NANOS;
        while (true) {
            boolean done = onSelector(() -> {
                waitingForHead.removeIf(c -> c.state != State.CONNECTING && c.state != State.SENT
                        && c.state != State.UPGRADED);
                return waitingForHead.isEmpty();
            });
            if (done) {
                return;
            }
            if (System.nanoTime() > deadline) {
                onSelector(() -> {
                    for (Conn conn : List.copyOf(waitingForHead)) {
                        fail(conn, "not subscribed within " + TimeUnit.NANOSECONDS.toSeconds(HEAD_TIMEOUT_NANOS) + " s");
                    }
                    waitingForHead.clear();
                    return null;
                });
                return;
            }
            try {
                // the selector thread owns the connections; polling its state every 20 ms is the hand-off
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private <T> T onSelector(Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        commands.add(() -> {
            try {
                result.complete(task.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        selector.wakeup();
        try {
            return result.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("selector task failed", e);
        }
    }

    private void connect(Conn conn, String lastId) {
        conn.state = State.CONNECTING;
        conn.head = new ByteArrayOutputStream(256);
        conn.sse = null;
        conn.ws = null;
        waitingForHead.add(conn);
        try {
            conn.channel = SocketChannel.open();
            conn.channel.configureBlocking(false);
            if (conn.slow) {
                // before connect, so the window the server sees is small from the start
                conn.channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4096);
            }
            conn.request = ByteBuffer.wrap(request(lastId).getBytes(StandardCharsets.US_ASCII));
            conn.key = null;
            if (conn.channel.connect(new InetSocketAddress(host, port))) {
                send(conn);
            } else {
                conn.key = conn.channel.register(selector, SelectionKey.OP_CONNECT, conn);
            }
        } catch (IOException e) {
            fail(conn, "connect: " + e.getMessage());
        }
    }

    private String request(String lastId) {
        String hostHeader = "Host: " + host + ":" + port + "\r\n";
        if (!webSocket) {
            return "GET " + dialect.ssePath(topic) + " HTTP/1.1\r\n" + hostHeader
                    + "Accept: text/event-stream\r\nCache-Control: no-cache\r\n"
                    + (lastId == null ? "" : "Last-Event-ID: " + lastId + "\r\n") + "\r\n";
        }
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return "GET " + dialect.wsPath(topic, lastId) + " HTTP/1.1\r\n" + hostHeader
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
    }

    private void send(Conn conn) throws IOException {
        if (conn.state == State.CONNECTING) {
            conn.state = State.SENT;
        }
        conn.channel.write(conn.request);
        int ops = SelectionKey.OP_READ | (conn.request.hasRemaining() ? SelectionKey.OP_WRITE : 0);
        if (conn.key == null) {
            conn.key = conn.channel.register(selector, ops, conn);
        } else {
            conn.key.interestOps(ops);
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
                for (SelectionKey key : selector.selectedKeys()) {
                    Conn conn = (Conn) key.attachment();
                    try {
                        if (!key.isValid() || key.channel() != conn.channel) {
                            continue;
                        }
                        if (key.isConnectable()) {
                            conn.channel.finishConnect();
                            send(conn);
                        } else {
                            if (key.isWritable() && conn.request.hasRemaining()) {
                                send(conn);
                            }
                            if (key.isReadable()) {
                                read(conn);
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        lost(conn, e.getMessage());
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            e.printStackTrace();
        }
    }

    private void read(Conn conn) throws IOException {
        while (conn.state != State.FAILED && conn.state != State.CLOSED && !conn.paused) {
            readBuffer.clear();
            int count = conn.channel.read(readBuffer);
            if (count < 0) {
                lost(conn, "closed by the server");
                return;
            }
            if (count == 0) {
                return;
            }
            readBuffer.flip();
            if (conn.state == State.SENT) {
                head(conn);
            }
            if (readBuffer.hasRemaining() && conn.state != State.FAILED) {
                body(conn);
            }
        }
    }

    private void head(Conn conn) throws IOException {
        int start = readBuffer.position();
        byte[] bytes = new byte[readBuffer.remaining()];
        readBuffer.get(bytes);
        conn.head.write(bytes, 0, bytes.length);
        String text = conn.head.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            if (conn.head.size() > 16 * 1024) {
                fail(conn, "response head larger than 16 KiB");
            }
            return;
        }
        String status = text.substring(0, Math.max(text.indexOf("\r\n"), 0));
        if (!status.contains(webSocket ? " 101" : " 200")) {
            fail(conn, "status: " + status);
            return;
        }
        // what follows the head in this read is body: rewind the buffer to it
        int headBytesFromThisRead = end + 4 - (conn.head.size() - bytes.length);
        readBuffer.position(start + headBytesFromThisRead);
        conn.head = null;
        if (webSocket) {
            conn.ws = new WsReader();
            conn.state = dialect.wsSubscribedFrame() ? State.UPGRADED : State.LIVE;
        } else {
            conn.sse = new SseReader(text.substring(0, end).toLowerCase(Locale.ROOT)
                    .contains("transfer-encoding: chunked"));
            conn.state = State.LIVE;
        }
        if (conn.state == State.LIVE) {
            live(conn);
        }
    }

    private void live(Conn conn) {
        counters.open++;
        if (conn.slow) {
            counters.slow++;
            conn.paused = true;
            conn.key.interestOps(0);
        }
        if (conn.reconnecting) {
            conn.reconnecting = false;
            counters.reconnected++;
        }
    }

    private void body(Conn conn) throws IOException {
        if (conn.sse != null) {
            conn.sse.feed(readBuffer, (id, type, data) -> sseEvent(conn, id, type, data));
        } else {
            conn.ws.feed(readBuffer, new WsReader.Listener() {
                @Override
                public void text(String message) {
                    wsMessage(conn, message);
                }

                @Override
                public void ping(byte[] payload) throws IOException {
                    byte[] mask = new byte[4];
                    RANDOM.nextBytes(mask);
                    // a few bytes on a socket that is being read: the send buffer has room
                    conn.channel.write(WsReader.clientFrame(0xA, payload, mask));
                }

                @Override
                public void close(int code, String reason) {
                    lost(conn, "close " + code + (reason.isEmpty() ? "" : " " + reason));
                }
            });
        }
    }

    private void sseEvent(Conn conn, String id, String type, String data) {
        if (type != null && type.startsWith("herald.")) {
            signal(type.substring("herald.".length()));
            return;
        }
        if (id != null) {
            conn.lastId = id;
        }
        delivered(conn, data);
    }

    private void wsMessage(Conn conn, String message) {
        if (dialect == Dialect.HERALD && message.startsWith("{\"type\":")) {
            int end = message.indexOf('"', 9);
            String type = end < 0 ? "" : message.substring(9, end);
            if (type.equals("subscribed")) {
                if (conn.state == State.UPGRADED) {
                    conn.state = State.LIVE;
                    live(conn);
                }
            } else {
                signal(type);
            }
            return;
        }
        if (dialect == Dialect.HERALD) {
            int at = message.indexOf("\"id\":\"");
            if (at >= 0) {
                int end = message.indexOf('"', at + 6);
                conn.lastId = message.substring(at + 6, end);
            }
        }
        delivered(conn, message);
    }

    private void signal(String type) {
        if (type.equals("reset")) {
            counters.resets++;
        } else if (type.equals("dropped")) {
            counters.droppedSignals++;
        }
    }

    private void delivered(Conn conn, String data) {
        long seq = Payload.number(data, Payload.SEQ);
        long sent = Payload.number(data, Payload.SENT);
        if (seq < 0 || sent < 0) {
            return; // not a benchmark event (the demo feed, say)
        }
        latency.record(Payload.nowMicros() - sent);
        counters.delivered++;
        if (conn.lastSeq >= 0) {
            if (seq > conn.lastSeq + 1) {
                counters.gaps += seq - conn.lastSeq - 1;
            } else if (seq <= conn.lastSeq) {
                counters.duplicates++;
                return;
            }
        }
        conn.lastSeq = seq;
    }

    private void lost(Conn conn, String reason) {
        if (conn.state == State.LIVE) {
            counters.open--;
            counters.closedByServer++;
            conn.closeChannel();
            conn.state = State.CLOSED;
            failures.merge("lost: " + reason, 1, Integer::sum);
        } else {
            fail(conn, reason);
        }
    }

    private void fail(Conn conn, String reason) {
        if (conn.state == State.FAILED || conn.state == State.CLOSED) {
            return;
        }
        conn.closeChannel();
        conn.state = State.FAILED;
        counters.failed++;
        failures.merge(reason == null ? "unknown" : reason, 1, Integer::sum);
    }

    @Override
    public void close() {
        try {
            closeAll();
        } finally {
            running = false;
            selector.wakeup();
            try {
                thread.join(5_000);
                selector.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException ignored) {
                // closing the selector after its thread ended: nothing left to release
            }
        }
    }

    enum State { CONNECTING, SENT, UPGRADED, LIVE, FAILED, CLOSED }

    /** One subscriber; survives reconnects, so its last id and sequence carry over. */
    static final class Conn {
        final int index;
        SocketChannel channel;
        SelectionKey key;
        ByteBuffer request;
        ByteArrayOutputStream head;
        SseReader sse;
        WsReader ws;
        State state = State.CONNECTING;
        String lastId;
        long lastSeq = -1;
        final boolean slow;
        boolean paused;
        boolean reconnecting;

        Conn(int index, boolean slow) {
            this.index = index;
            this.slow = slow;
        }

        void closeChannel() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing our own socket: nothing to report
                }
            }
        }
    }
}
