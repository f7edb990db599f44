package dev.herald.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/** One HTTP/1.1 client for the tests: no h2c upgrade attempts, which Grizzly answers inconsistently. */
public final class Http {
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * How long any test request waits for its answer head (for a stream: its headers). Without it a server
     * that stops answering would hold the whole build until CI's hard limit instead of failing one test.
     */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicBoolean DUMPED = new AtomicBoolean();

    private Http() {
    }

    /** A request builder with {@link #ANSWER_TIMEOUT}: every test request starts here. */
    public static HttpRequest.Builder request(java.net.URI uri) {
        return HttpRequest.newBuilder(uri).timeout(ANSWER_TIMEOUT);
    }

    /** Sends and reads the body as text; I/O failures and interrupts become unchecked. */
    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException e) {
            timedOut(request);
            throw new UncheckedIOException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A server that did not answer in {@link #ANSWER_TIMEOUT} is a finding, not noise: the first time in a
     * run, leave the servers' threads (what the request was waiting for) where {@code .ci/run} prints them.
     */
    private static void timedOut(HttpRequest request) {
        if (DUMPED.compareAndSet(false, true)) {
            ThreadDumps.write("timeout-" + request.method() + "-" + request.uri().getPath(), "TIMED OUT: "
                    + request.method() + " " + request.uri() + " had no answer in " + ANSWER_TIMEOUT, Thread.currentThread());
        }
    }

    /**
     * The raw answer head of a WebSocket upgrade with extra headers (Origin, Cookie): the JDK client neither
     * shows a 101's headers nor lets a test send any Origin.
     */
    public static String webSocketHandshake(int port, String pathAndQuery, java.util.Map<String, String> headers)
            throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            socket.getOutputStream().write(request.append("\r\n").toString()
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            return head.toString();
        }
    }
}
