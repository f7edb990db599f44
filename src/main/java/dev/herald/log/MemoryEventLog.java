package dev.herald.log;

import dev.herald.hub.Event;
import dev.herald.hub.EventLog;
import dev.herald.hub.HubException;
import dev.herald.hub.HubSettings;
import dev.herald.hub.Position;
import dev.herald.hub.Topics;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The single-node log (herald.backplane=memory, the default): a bounded ring in memory, lost on restart
 * (each start is a new epoch, so clients of the previous one get a reset). The sequencer lock gives every
 * append its sequence, retains it and delivers it to the hub before the next append, which keeps one total
 * order; it is the only lock held across a fan-out, and subscribes, closes and scrapes never take it.
 */
public final class MemoryEventLog implements EventLog {
    private static final System.Logger LOG = System.getLogger(MemoryEventLog.class.getName());

    private final String epoch;
    private final long timeoutNanos;
    private final MemoryHistory history;
    private final IdempotencyKeys idempotencyKeys;
    private final ReentrantLock sequencer = new ReentrantLock();
    private final ScheduledExecutorService expiry;
    private volatile Listener listener;
    /** Guarded by the sequencer. */
    private long sequence;
    /** nanoTime when the running append (and its fan-out) began; 0 when none runs. */
    private volatile long busySinceNanos;
    private volatile boolean closed;

    /**
     * @param timeout how long an append waits for the sequencer, and how long an append with its fan-out
     *                may run before the log reports itself stalled ({@link #up()} false)
     */
    public MemoryEventLog(HubSettings bounds, int idempotencyMaxKeys, Duration timeout, String epoch) {
        this.epoch = epoch;
        this.timeoutNanos = timeout.toNanos();
        this.history = new MemoryHistory(bounds.historyMaxEventsPerTopic(), bounds.historyMaxBytes(),
                bounds.historyMaxAge(), bounds.maxTopics());
        this.idempotencyKeys = new IdempotencyKeys(idempotencyMaxKeys, bounds.historyMaxAge());
        this.expiry = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "herald-log-expiry");
            thread.setDaemon(true);
            return thread;
        });
        long tickMillis = Math.max(50, Math.min(1_000, bounds.historyMaxAge().toMillis() / 4));
        expiry.scheduleWithFixedDelay(this::expire, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    /** A new epoch: the start time in base 36, so ids of an earlier run are recognised as such. */
    public static String newEpoch() {
        return Long.toString(System.currentTimeMillis(), 36);
    }

    public String epoch() {
        return epoch;
    }

    /** Id of the newest event, or null before the first append. */
    public String lastId() {
        sequencer.lock();
        try {
            return sequence == 0 ? null : MemoryPosition.format(epoch, sequence);
        } finally {
            sequencer.unlock();
        }
    }

    @Override
    public void deliverTo(Listener listener) {
        this.listener = listener;
    }

    @Override
    public CompletionStage<Position> append(Append append) {
        String problem = Topics.problemWith(append.topic());
        if (problem != null) {
            return CompletableFuture.failedFuture(new HubException(HubException.Reason.INVALID_TOPIC, problem));
        }
        try {
            if (!sequencer.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
                return CompletableFuture.failedFuture(new HubException(HubException.Reason.BACKPLANE_UNAVAILABLE,
                        "the event log did not accept the event within " + Duration.ofNanos(timeoutNanos).toMillis()
                                + " ms (herald.log.timeout)"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new HubException(HubException.Reason.BACKPLANE_UNAVAILABLE,
                    "interrupted while waiting for the event log"));
        }
        try {
            busySinceNanos = System.nanoTime();
            return CompletableFuture.completedFuture(appendInOrder(append));
        } catch (HubException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            busySinceNanos = 0;
            sequencer.unlock();
        }
    }

    /** Under the sequencer: idempotency, sequence, retention, then delivery. */
    private Position appendInOrder(Append append) {
        if (closed) {
            throw new HubException(HubException.Reason.CLOSED, "the server is shutting down");
        }
        long nowMillis = System.currentTimeMillis();
        String key = append.idempotencyKey();
        if (key != null) {
            IdempotencyKeys.Remembered seen = idempotencyKeys.find(append.topic(), key, nowMillis);
            if (seen != null) {
                if (!Arrays.equals(seen.fingerprint(), append.fingerprint())) {
                    throw new HubException(HubException.Reason.IDEMPOTENCY_KEY_REUSED,
                            "this Idempotency-Key was used for another body on this topic; use a new key");
                }
                return seen.position();
            }
        }
        history.ensureRoomFor(append.topic());
        long next = sequence + 1;
        Event event = new Event(next, new MemoryPosition(epoch, next), append.topic(), append.data(),
                append.conflationKey(), append.traceParent(), System.nanoTime(), nowMillis);
        sequence = next;
        history.retain(event);
        if (key != null) {
            idempotencyKeys.remember(append.topic(), key, event.position(), append.fingerprint(), nowMillis);
        }
        Listener current = listener;
        if (current != null) {
            try {
                current.deliver(event);
            } catch (RuntimeException e) {
                // the event is stored: a failing fan-out must not turn the publish into an error
                LOG.log(Level.WARNING, "fan-out of " + event.id() + " failed", e);
            }
        }
        return event.position();
    }

    @Override
    public CompletionStage<Void> revoke(String subject) {
        Listener current = listener;
        if (current != null) {
            current.revoked(subject);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Replay readAfter(Position after, String[] topics) {
        MemoryPosition position = after instanceof MemoryPosition memory && memory.epoch().equals(epoch)
                ? memory : null;
        return history.readAfter(position, topics);
    }

    @Override
    public Position position(String text) {
        MemoryPosition parsed = MemoryPosition.parse(text);
        return parsed == null ? MemoryPosition.UNUSABLE : parsed;
    }

    /** False once closed, and while an append with its fan-out has run longer than the timeout. */
    @Override
    public boolean up() {
        long busySince = busySinceNanos;
        return !closed && (busySince == 0 || System.nanoTime() - busySince < timeoutNanos);
    }

    @Override
    public TopicHistory describe(String topic) {
        return history.describe(topic);
    }

    @Override
    public boolean tracks(String topic) {
        return history.tracks(topic);
    }

    @Override
    public long retainedEvents() {
        return history.events();
    }

    @Override
    public long retainedBytes() {
        return history.bytes();
    }

    @Override
    public int topicCount() {
        return history.topicCount();
    }

    private void expire() {
        try {
            history.expire();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "history expiry failed", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        expiry.shutdownNow();
    }
}
