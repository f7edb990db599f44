package dev.herald.transport.sse;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the JAX-RS engine calls the container's {@code SseEventSink}. Jersey (Payara) writes on the thread
 * that calls {@code send} or {@code close} and blocks while the client's socket is full; RESTEasy (WildFly)
 * returns at once. Either way those calls run here, on at most {@code threads} threads (herald.sse.send-threads),
 * never on a writer lane, so a stalled client never delays another client's writes. A subscriber has at
 * most one call in flight, so the queue holds at most one task per connection.
 *
 * <p>Exhaustion: when every thread has been inside one call for longer than {@link #STALLED_NANOS} and more
 * calls wait, the subscriber whose call has waited longest is closed as write-timeout (once per call). Its
 * thread comes back when the container's write fails: when the connection breaks or the container's own
 * write timeout passes (Payara: the transport's write-timeout-millis, set in preboot.asadmin).
 */
final class BlockingSendPool implements AutoCloseable {
    static final long STALLED_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int threads;
    private final ThreadPoolExecutor executor;
    /** The call each busy thread is in; at most {@link #threads} entries. */
    private final Map<Thread, Call> calls = new ConcurrentHashMap<>();

    BlockingSendPool(int threads, int maxQueued) {
        this.threads = threads;
        AtomicInteger counter = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(Math.max(1, maxQueued)), runnable -> {
                    Thread thread = new Thread(runnable, "herald-sse-send-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code call} for a sink; false if it cannot run (the pool is closed or its queue full), and then
     * the caller treats the write as failed.
     */
    boolean execute(JaxrsSseSink sink, Runnable call) {
        try {
            executor.execute(() -> {
                Thread thread = Thread.currentThread();
                calls.put(thread, new Call(sink, System.nanoTime()));
                try {
                    call.run();
                } finally {
                    calls.remove(thread);
                }
            });
        } catch (RejectedExecutionException e) {
            return false;
        }
        if (calls.size() >= threads) {
            giveUpLongestStalled();
        }
        return true;
    }

    private void giveUpLongestStalled() {
        long now = System.nanoTime();
        Call oldest = null;
        for (Call call : calls.values()) {
            if (!call.givenUp.get() && now - call.sinceNanos > STALLED_NANOS
                    && (oldest == null || call.sinceNanos < oldest.sinceNanos)) {
                oldest = call;
            }
        }
        if (oldest != null && oldest.givenUp.compareAndSet(false, true)) {
            oldest.sink.stalled();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    private record Call(JaxrsSseSink sink, long sinceNanos, AtomicBoolean givenUp) {
        Call(JaxrsSseSink sink, long sinceNanos) {
            this(sink, sinceNanos, new AtomicBoolean());
        }
    }
}
