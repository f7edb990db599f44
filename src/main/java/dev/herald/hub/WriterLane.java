package dev.herald.hub;

/**
 * One writer thread and the subscribers it drains. Every subscriber belongs to one lane for its whole
 * life, so its writes never run on two threads at once, and a fan-out hands each lane its slice of a
 * topic's subscribers. The ready queue is intrusive (a link field in {@link Subscriber}): scheduling a
 * subscriber allocates nothing, and a subscriber is queued at most once (it tracks whether it is
 * scheduled), so the queue is bounded by the lane's subscribers.
 */
final class WriterLane implements Runnable {
    private final int index;
    private final Thread thread;
    private final Object lock = new Object();
    private Subscriber head;
    private Subscriber tail;
    private boolean waiting;
    private boolean stopping;
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

    /** Queues a subscriber whose drain must run; after the lane ended, runs it on the caller's thread. */
    void schedule(Subscriber subscriber) {
        synchronized (lock) {
            if (!terminated) {
                if (tail == null) {
                    head = subscriber;
                } else {
                    tail.nextReady = subscriber;
                }
                tail = subscriber;
                if (waiting) {
                    lock.notify();
                }
                return;
            }
        }
        // only closing subscribers are scheduled once the hub stopped: their drain just closes the sink
        subscriber.run();
    }

    @Override
    public void run() {
        while (true) {
            Subscriber next;
            synchronized (lock) {
                while (head == null) {
                    if (stopping) {
                        terminated = true;
                        return;
                    }
                    waiting = true;
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        stopping = true;
                    } finally {
                        waiting = false;
                    }
                }
                next = head;
                head = next.nextReady;
                if (head == null) {
                    tail = null;
                }
                next.nextReady = null;
            }
            next.run();
        }
    }

    /** Lets the lane finish what is queued, then end; waits at most the given time for that. */
    void stop(long timeoutMillis) {
        synchronized (lock) {
            stopping = true;
            lock.notify();
        }
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Subscriber leftover;
        synchronized (lock) {
            // a lane stuck in a sink past the timeout: what is still queued runs here, so every sink is closed
            terminated = true;
            leftover = head;
            head = tail = null;
        }
        while (leftover != null) {
            Subscriber following = leftover.nextReady;
            leftover.nextReady = null;
            leftover.run();
            leftover = following;
        }
    }
}
