package dev.herald.hub;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One writer thread and the subscribers it drains. Every subscriber belongs to one lane for its whole
 * life, so its writes never run on two threads at once, and a fan-out hands each lane its slice of a
 * topic's subscribers. The ready queue is intrusive and lock-free: schedulers (the fan-out, container
 * threads completing writes) push a subscriber with one CAS through its {@link Subscriber#nextReady} link,
 * the lane takes everything at once and runs it oldest first. Scheduling allocates nothing and never
 * contends with the lane for a lock, and a subscriber is queued at most once (it tracks whether it is
 * scheduled), so the queue is bounded by the lane's subscribers.
 */
final class WriterLane implements Runnable {
    /**
     * How long an idle lane polls its queue before it parks. WebSocket completions trickle in from the
     * container's I/O threads, and a lane that parks at once pays a park/unpark (futex calls, a context
     * switch) for many of them. Measured on WildFly, 10 000 WebSocket subscribers, CPU per delivery against
     * the previous release: 1.42x without the poll, 1.13-1.21x with it (single noisy runs, BENCHMARKS.md).
     */
    private static final long SPIN_NANOS = 50_000;

    private final int index;
    private final Thread thread;
    /** Most recently scheduled first; null when nothing waits. */
    private final AtomicReference<Subscriber> ready = new AtomicReference<>();
    private volatile boolean parked;
    private volatile boolean stopping;
    private volatile boolean terminated;

    WriterLane(int index) {
        this.index = index;
        this.thread = new Thread(this, "herald-writer-" + (index + 1));
        thread.setDaemon(true);
    }

    int index() {
        return index;
    }

    long threadId() {
        return thread.getId();
    }

    void start() {
        thread.start();
    }

    /** Queues a subscriber whose drain must run; once the lane has ended, runs it on the caller's thread. */
    void schedule(Subscriber subscriber) {
        Subscriber head;
        do {
            head = ready.get();
            subscriber.nextReady = head;
        } while (!ready.compareAndSet(head, subscriber));
        // the lane writes parked before it looks at the queue a last time, so one of the two sees the other
        if (parked) {
            LockSupport.unpark(thread);
        }
        if (terminated) {
            // only closing subscribers are scheduled once the hub stopped: their drain just closes the sink
            runAll();
        }
    }

    @Override
    public void run() {
        while (!stopping || ready.get() != null) {
            if (!runAll() && !spinUntilWork()) {
                parked = true;
                if (ready.get() == null && !stopping) {
                    LockSupport.park(this);
                }
                parked = false;
            }
        }
        terminated = true;
        runAll();
    }

    /** Polls the queue for {@link #SPIN_NANOS}; true as soon as something is queued. */
    private boolean spinUntilWork() {
        long deadline = System.nanoTime() + SPIN_NANOS;
        while (System.nanoTime() < deadline) {
            if (ready.get() != null || stopping) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    /** Takes everything queued and runs it, oldest first; false if nothing was queued. */
    private boolean runAll() {
        Subscriber newestFirst = ready.getAndSet(null);
        if (newestFirst == null) {
            return false;
        }
        Subscriber oldestFirst = null;
        while (newestFirst != null) {
            Subscriber following = newestFirst.nextReady;
            newestFirst.nextReady = oldestFirst;
            oldestFirst = newestFirst;
            newestFirst = following;
        }
        while (oldestFirst != null) {
            Subscriber following = oldestFirst.nextReady;
            // unlinked before it runs: the drain may schedule the subscriber again
            oldestFirst.nextReady = null;
            oldestFirst.run();
            oldestFirst = following;
        }
        return true;
    }

    /** Lets the lane finish what is queued, then end; waits at most the given time for that. */
    void stop(long timeoutMillis) {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // a lane stuck in a sink past the timeout: what is still queued runs here, so every sink is closed
        terminated = true;
        runAll();
    }
}
