package dev.herald.transport.sse;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the JAX-RS engine calls the container's {@code SseEventSink}. Jersey (Payara) writes on the thread
 * that calls {@code send} or {@code close} and blocks while the client's socket is full; RESTEasy (WildFly)
 * returns at once. Either way those calls run here, on at most {@code threads} threads (herald.sse.send-threads),
 * never on a writer lane, so a stalled client never delays another client's writes. A subscriber has at
 * most one send and one close waiting, so the queue is bounded by twice the connections.
 *
 * <p>Exhaustion: when every thread has been inside one call for longer than {@link #STALLED_NANOS} and more
 * calls wait (checked at each call and every {@value #CHECK_MILLIS} ms by one watchdog thread), the
 * subscriber whose call has waited longest is closed as write-timeout (once per call). Its
 * thread comes back when the container's write fails: when the connection breaks or the container's own
 * write timeout passes (Payara: Grizzly's transport write timeout, 30 s by default).
 */
final class BlockingSendPool implements AutoCloseable {
    static final long STALLED_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long CHECK_MILLIS = 250;

    private final int threads;
    private final ThreadPoolExecutor executor;
    private final ScheduledExecutorService watchdog;
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
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "herald-sse-send-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::checkExhausted, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        this.watchdog = timer;
    }

    /**
     * Runs {@code call}; {@code giveUp} closes its subscriber should the pool give up on the call. False if
     * it cannot run (the pool is closed or its queue full), and then the caller treats the write as failed.
     */
    boolean execute(Runnable call, Runnable giveUp) {
        try {
            executor.execute(() -> {
                Thread thread = Thread.currentThread();
                calls.put(thread, new Call(giveUp, System.nanoTime()));
                try {
                    call.run();
                } finally {
                    calls.remove(thread);
                }
            });
        } catch (RejectedExecutionException e) {
            return false;
        }
        checkExhausted();
        return true;
    }

    private void checkExhausted() {
        if (calls.size() >= threads && !executor.getQueue().isEmpty()) {
            giveUpLongestStalled();
        }
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
            oldest.giveUp.run();
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        executor.shutdownNow();
    }

    private record Call(Runnable giveUp, long sinceNanos, AtomicBoolean givenUp) {
        Call(Runnable giveUp, long sinceNanos) {
            this(giveUp, sinceNanos, new AtomicBoolean());
        }
    }
}
