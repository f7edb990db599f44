package dev.herald.it;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An SSE client that behaves like EventSource across failures: when its stream ends or cannot be opened it
 * connects again, with {@code Last-Event-ID} of the last event it received, until it is closed. Everything
 * received over all connections is kept in order; {@link #nodes()} names the node (X-Herald-Node) that
 * served each connection.
 */
public final class ResumingSseClient extends EventStream {
    /** Between attempts, as EventSource waits its retry time (Herald's hint is about 2 s; shorter here). */
    private static final Duration RETRY = Duration.ofMillis(250);

    /** Attempt k connects to byAttempt[min(k, last)]: the first node, then where a balancer would send it. */
    private final List<URI> byAttempt;
    private final List<Long> endedAtNanos = new CopyOnWriteArrayList<>();
    /** Last-Event-ID of the first connection (null: live only). */
    private final String initialLastEventId;
    private final List<String> nodes = new CopyOnWriteArrayList<>();
    private final List<Integer> refusals = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile SseStream current;
    private volatile boolean closed;

    private ResumingSseClient(List<URI> byAttempt, String initialLastEventId) {
        this.byAttempt = List.copyOf(byAttempt);
        this.initialLastEventId = initialLastEventId;
        this.thread = new Thread(this::run, "resuming-sse-" + byAttempt.get(0).getPort());
        thread.setDaemon(true);
    }

    /** Starts connecting; the first connection resumes after {@code lastEventId} (null: live only). */
    public static ResumingSseClient open(URI uri, String lastEventId) {
        return open(List.of(uri), lastEventId);
    }

    /** The same, first to {@code byAttempt[0]}, each later attempt to the next URI (the last one then stays). */
    public static ResumingSseClient open(List<URI> byAttempt, String lastEventId) {
        ResumingSseClient client = new ResumingSseClient(byAttempt, lastEventId);
        client.thread.start();
        return client;
    }

    /** System.nanoTime() at which each connection that was streaming ended, in order. */
    public List<Long> endedAtNanos() {
        return List.copyOf(endedAtNanos);
    }

    private void run() {
        int attempt = 0;
        while (!closed) {
            try {
                String last = lastEventId();
                URI uri = byAttempt.get(Math.min(attempt++, byAttempt.size() - 1));
                SseStream stream = SseStream.open(uri, last != null ? last : initialLastEventId, this::add);
                current = stream;
                if (stream.status() == 200) {
                    nodes.add(stream.headers().firstValue("X-Herald-Node").orElse("?"));
                    while (!closed && !stream.awaitEnd(Duration.ofSeconds(1))) {
                        // streaming
                    }
                    if (!closed) {
                        endedAtNanos.add(System.nanoTime());
                    }
                } else {
                    refusals.add(stream.status());
                    stream.close();
                }
            } catch (AssertionError | RuntimeException e) {
                // connection refused or reset while opening: try again, as EventSource does
            }
            pause();
        }
        end();
    }

    private void pause() {
        try {
            Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** X-Herald-Node of every connection so far, in order. */
    public List<String> nodes() {
        return List.copyOf(nodes);
    }

    /** Statuses of connections that were refused (not 200). */
    public List<Integer> refusals() {
        return List.copyOf(refusals);
    }

    @Override
    public void close() {
        closed = true;
        SseStream stream = current;
        if (stream != null) {
            stream.close();
        }
    }
}
