package dev.herald.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongToIntFunction;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes benchmark events at a steady rate, each stamped with its send time and the next sequence
 * number. One request at a time on one kept-alive connection, so the server accepts events in sequence
 * order and subscribers can count gaps from the numbers; that caps the rate at roughly one publish per
 * round trip (over a thousand per second on loopback), far above what fan-out to thousands needs.
 */
final class RatePublisher {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<URI> uris;
    private final LongToIntFunction node;
    private final long[] acceptedPerNode;
    private final String authorization;
    private final int padBytes;
    private long nextSeq;
    private long sent;

    RatePublisher(URI uri, String authorization, int padBytes) {
        this(List.of(uri), i -> 0, authorization, padBytes);
    }

    /**
     * Publishes to several nodes of one target: publish number i (from 0, warm-up included) goes to
     * {@code uris.get(node.applyAsInt(i))}. Still one request at a time, so events enter the shared log in
     * sequence order whichever node takes them.
     */
    RatePublisher(List<URI> uris, LongToIntFunction node, String authorization, int padBytes) {
        this.uris = List.copyOf(uris);
        this.node = node;
        this.acceptedPerNode = new long[uris.size()];
        this.authorization = authorization;
        this.padBytes = padBytes;
    }

    /** Accepted publishes per node so far (warm-up included), in node order. */
    List<Long> acceptedPerNode() {
        return Arrays.stream(acceptedPerNode).boxed().toList();
    }

    /** What one {@link #publish} call did, and how long it took (longer than asked when it fell behind). */
    record Outcome(long accepted, long refused, double seconds) {
    }

    /**
     * Publishes {@code rate} events per second for {@code seconds}. {@code tick} runs once per elapsed second
     * on this thread (progress, a mid-phase action).
     */
    Outcome publish(double rate, double seconds, java.util.function.IntConsumer tick) {
        long total = Math.max(1, Math.round(rate * seconds));
        long intervalNanos = (long) (1e9 / rate);
        long start = System.nanoTime();
        long accepted = 0;
        long refused = 0;
        int lastSecond = 0;
        for (long i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(Math.min(wait, 50_000_000L));
                int second = (int) ((System.nanoTime() - start) / 1_000_000_000L);
                if (second > lastSecond) {
                    lastSecond = second;
                    tick.accept(second);
                }
            }
            if (send()) {
                accepted++;
            } else {
                refused++;
            }
        }
        return new Outcome(accepted, refused, (System.nanoTime() - start) / 1e9);
    }

    private boolean send() {
        long seq = nextSeq;
        int target = node.applyAsInt(sent++);
        HttpRequest.Builder request = HttpRequest.newBuilder(uris.get(target)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Payload.encode(seq, Payload.nowMicros(), padBytes)));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 != 2) {
                return false;
            }
            nextSeq++; // only accepted events consume a number: a refused one must not look like a gap
            acceptedPerNode[target]++;
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
