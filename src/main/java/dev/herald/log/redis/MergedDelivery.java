package dev.herald.log.redis;

import dev.herald.hub.Event;
import dev.herald.hub.EventLog;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one thread that hands the partitions' entries to the hub. Each partition's reader queues what it read
 * here, in its stream's order; this thread delivers in the order batches arrive (the node's read order), gives
 * each event the node's next delivery sequence and its {@link Cursor} over all partitions, and keeps the ring.
 * One thread, so the cursor at every event is well defined and sequences increase without a lock held across
 * the fan-out. The queue is bounded: a reader whose batches wait simply reads later, the entries stay in Redis.
 */
final class MergedDelivery implements Runnable {
    private static final System.Logger LOG = System.getLogger(MergedDelivery.class.getName());
    /** Batches (of at most {@link StreamReader}'s read count) waiting: a few per partition. */
    private static final int QUEUED_TASKS = 64;

    /** An entry read from a partition, not yet delivered. */
    record Read(RedisPosition position, String topic, String data, String conflationKey, String traceParent,
                long publishedNanos, long publishedMillis) {
    }

    private final ArrayBlockingQueue<Runnable> tasks = new ArrayBlockingQueue<>(QUEUED_TASKS);
    private final RecentEntries ring;
    private final EventLog.Listener listener;
    private final ReentrantLock progressLock = new ReentrantLock();
    private final Condition progressed = progressLock.newCondition();
    /** This thread's read position and epochs; the ring publishes them to resumes. */
    private final RedisPosition[] vector;
    private final String[] epochs;
    private String fingerprint;
    private long sequence;
    private final Thread thread;
    private volatile boolean stopping;

    MergedDelivery(int partitions, RecentEntries ring, EventLog.Listener listener) {
        this.ring = ring;
        this.listener = listener;
        this.vector = new RedisPosition[partitions];
        this.epochs = new String[partitions];
        this.fingerprint = Cursor.fingerprint(epochs);
        this.thread = new Thread(this, "herald-redis-delivery");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * A partition's reader starts at {@code at} in epoch {@code epoch}, or (after a loss) the partition's stream
     * was recreated: the ring starts over, and live subscribers hear of the loss when {@code lost}.
     */
    void restart(int partition, String epoch, RedisPosition at, boolean lost) throws InterruptedException {
        tasks.put(() -> {
            epochs[partition] = epoch;
            vector[partition] = at;
            fingerprint = Cursor.fingerprint(epochs);
            ring.restart(vector, epochs);
            if (lost) {
                listener.historyLost();
            }
        });
    }

    /** Entries of one partition, in its stream's order. */
    void deliver(int partition, List<Read> batch) throws InterruptedException {
        tasks.put(() -> {
            for (Read read : batch) {
                vector[partition] = read.position();
                Event event = new Event(++sequence, Cursor.of(vector.clone(), fingerprint, partition), read.topic(),
                        read.data(), read.conflationKey(), read.traceParent(), read.publishedNanos(),
                        read.publishedMillis());
                ring.add(event);
                try {
                    listener.deliver(event);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "fan-out of " + event.id() + " failed", e);
                }
            }
        });
    }

    void revoked(String subject) throws InterruptedException {
        tasks.put(() -> listener.revoked(subject));
    }

    @Override
    public void run() {
        while (!stopping) {
            Runnable task;
            try {
                task = tasks.take();
            } catch (InterruptedException e) {
                break;
            }
            try {
                task.run();
            } catch (RuntimeException | LinkageError e) {
                // kept alive: a delivery thread that died would leave the node silently without events
                LOG.log(Level.ERROR, "Redis log: delivery failed", e);
            }
            signalProgress();
        }
    }

    private void signalProgress() {
        progressLock.lock();
        try {
            progressed.signalAll();
        } finally {
            progressLock.unlock();
        }
    }

    /** Waits until this node delivered {@code position} of its partition (same epoch); false if not in time. */
    boolean awaitRead(int partition, RedisPosition position, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        progressLock.lock();
        try {
            while (true) {
                RedisPosition newest = ring.newest(partition);
                if (newest != null && newest.epoch().equals(position.epoch()) && newest.compareTo(position) >= 0) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || stopping) {
                    return false;
                }
                progressed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            progressLock.unlock();
        }
    }

    /** Ends the thread; what is still queued is not delivered (the node is closing). */
    void stop(long timeoutMillis) {
        stopping = true;
        thread.interrupt();
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tasks.clear();
    }
}
