package dev.herald.log.redis;

import dev.herald.hub.Event;
import dev.herald.hub.EventLog;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This node's reader of the stream: one thread with its own connection (blocking reads on a shared connection
 * would stall every other command behind them), reading with {@code XREAD BLOCK} from its cursor and handing
 * each entry to the hub in stream order. The same loop catches up after an outage: it simply continues from
 * the cursor. It notices a recreated stream (another epoch) from the entries' epoch, and from the meta hash
 * when the new stream's ids lie below the cursor.
 */
final class StreamReader implements Runnable {
    private static final System.Logger LOG = System.getLogger(StreamReader.class.getName());
    private static final int BATCH = 1_000;
    private static final long EPOCH_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RedisSettings settings;
    private final RedisConnections connections;
    private final RecentEntries ring;
    private final BackplaneHealth health;
    private final EventLog.Listener listener;
    private final Duration block;
    private final ReentrantLock progressLock = new ReentrantLock();
    private final Condition progressed = progressLock.newCondition();
    private volatile boolean stopping;
    private volatile Thread thread;
    private volatile StatefulRedisConnection<String, String> connection;
    /** The connection every other command shares (appends, replays, leases); made here, used by the log. */
    private volatile StatefulRedisConnection<String, String> commands;
    /** The epoch read now; null before Redis was first reached or while no stream exists. */
    private volatile StreamEntries.Epoch epoch;
    private volatile double lagSeconds;
    private boolean initialized;
    private String cursor = "0-0";
    private long lastSequence;
    private long lastEpochCheckNanos;
    private long unreadable;

    StreamReader(RedisSettings settings, RedisConnections connections, RecentEntries ring, BackplaneHealth health,
                 EventLog.Listener listener) {
        this.settings = settings;
        this.connections = connections;
        this.ring = ring;
        this.health = health;
        this.listener = listener;
        this.block = RedisUris.blockTime(settings.timeout());
    }

    void start() {
        Thread reader = new Thread(this, "herald-redis-reader");
        reader.setDaemon(true);
        thread = reader;
        reader.start();
    }

    StreamEntries.Epoch epoch() {
        return epoch;
    }

    /** The shared connection, or null until Redis was first reached. */
    StatefulRedisConnection<String, String> commands() {
        return commands;
    }

    double lagSeconds() {
        return lagSeconds;
    }

    @Override
    public void run() {
        long backoffMillis = 100;
        while (!stopping) {
            try {
                if (connection == null) {
                    connection = connections.connect();
                }
                if (commands == null || (connections.followsTopology() && !commands.isOpen())) {
                    // a cluster's connections do not reconnect by themselves (RedisConnections)
                    commands = connections.connect();
                }
                RedisCommands<String, String> redis = connection.sync();
                if (!initialized) {
                    initialize(redis);
                }
                poll(redis);
                health.readerUp();
                backoffMillis = 100;
            } catch (RuntimeException | LinkageError e) {
                // a LinkageError too: a reader that died would leave the node silently without events
                if (stopping) {
                    break;
                }
                health.readerDown(e);
                lagSeconds = 0;
                if (connections.followsTopology()) {
                    // on a cluster the master may be elsewhere now: connect again through the topology
                    dropConnections();
                }
                pause(ThreadLocalRandom.current().nextLong(backoffMillis / 2, backoffMillis + 1));
                backoffMillis = Math.min(1_000, backoffMillis * 2);
            }
        }
    }

    /** Starts from the end of the stream as it is now: this node delivers what is appended from here on. */
    private void initialize(RedisCommands<String, String> redis) {
        String name = redis.hget(settings.metaKey(), "epoch");
        List<StreamMessage<String, String>> last = redis.xrevrange(settings.streamKey(), Range.create("-", "+"),
                Limit.from(1));
        cursor = last.isEmpty() ? "0-0" : last.get(0).getId();
        if (name != null) {
            StreamEntries.Epoch started = new StreamEntries.Epoch(name, 0);
            ring.restart(RedisPosition.ofStreamId(name, cursor));
            lastSequence = started.sequenceOf(RedisPosition.ofStreamId(name, cursor));
            epoch = started;
        }
        initialized = true;
        LOG.log(Level.INFO, "Redis log: reading {0} at {1} from {2} (epoch {3})", settings.streamKey(),
                connections.describe(), cursor, name == null ? "none yet" : name);
    }

    private void poll(RedisCommands<String, String> redis) {
        List<StreamMessage<String, String>> messages = redis.xread(
                XReadArgs.Builder.block(block).count(BATCH), XReadArgs.StreamOffset.from(settings.streamKey(), cursor));
        if (messages == null || messages.isEmpty()) {
            lagSeconds = 0;
            checkEpoch(redis);
            return;
        }
        long nowMillis = System.currentTimeMillis();
        long nowNanos = System.nanoTime();
        for (StreamMessage<String, String> message : messages) {
            deliver(redis, message, nowMillis, nowNanos);
            cursor = message.getId();
        }
        signalProgress();
    }

    private void deliver(RedisCommands<String, String> redis, StreamMessage<String, String> message, long nowMillis,
                         long nowNanos) {
        if (StreamEntries.REVOKE.equals(message.getBody().get(StreamEntries.KIND))
                && StreamEntries.FORMAT.equals(message.getBody().get(StreamEntries.VERSION))) {
            String subject = message.getBody().get(StreamEntries.SUBJECT);
            if (subject != null) {
                listener.revoked(subject);
            }
            return;
        }
        String problem = StreamEntries.problemWith(message.getBody());
        if (problem != null) {
            if (unreadable++ % 1_000 == 0) {
                LOG.log(Level.ERROR, "Redis log: refused entry {0} of {1}: {2} ({3} refused so far); subscribers do not"
                        + " receive it", message.getId(), settings.streamKey(), problem, unreadable);
            }
            return;
        }
        String entryEpoch = StreamEntries.epochOf(message);
        StreamEntries.Epoch current = epoch;
        if (current == null || !current.name().equals(entryEpoch)) {
            // the stream (or its meta hash) was created anew: follow only the epoch Redis holds now
            if (!entryEpoch.equals(redis.hget(settings.metaKey(), "epoch"))) {
                return;
            }
            current = switchTo(entryEpoch, RedisPosition.ofStreamId(entryEpoch, message.getId()),
                    RedisPosition.ofStreamId(entryEpoch, cursor));
        }
        Event event = StreamEntries.toEvent(message, current, nowMillis, nowNanos);
        lastSequence = event.sequence();
        lagSeconds = Math.max(0, nowMillis - event.publishedMillis()) / 1000.0;
        ring.add(event);
        try {
            listener.deliver(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "fan-out of " + event.id() + " failed", e);
        }
    }

    private StreamEntries.Epoch switchTo(String name, RedisPosition first, RedisPosition floor) {
        StreamEntries.Epoch previous = epoch;
        StreamEntries.Epoch next = StreamEntries.Epoch.following(name, lastSequence, first);
        ring.restart(floor);
        epoch = next;
        if (previous != null) {
            listener.historyLost();
            LOG.log(Level.WARNING, "Redis log: {0} has a new epoch {1} (was {2}): the stream was deleted or Redis lost"
                    + " its data; live connections and clients resuming from ids of the old epoch get a reset",
                    settings.streamKey(), name,
                    previous.name());
        }
        return next;
    }

    /**
     * A stream recreated with ids below the cursor would never be read from the cursor: once a second, when
     * idle, compare the epoch in Redis with the one read, and start the new stream from its beginning.
     */
    private void checkEpoch(RedisCommands<String, String> redis) {
        long now = System.nanoTime();
        if (now - lastEpochCheckNanos < EPOCH_CHECK_NANOS) {
            return;
        }
        lastEpochCheckNanos = now;
        String name = redis.hget(settings.metaKey(), "epoch");
        StreamEntries.Epoch current = epoch;
        if (name == null || (current != null && current.name().equals(name))) {
            return;
        }
        List<StreamMessage<String, String>> first = redis.xrange(settings.streamKey(), Range.create("-", "+"),
                Limit.from(1));
        if (!first.isEmpty() && name.equals(StreamEntries.epochOf(first.get(0)))) {
            // every entry of this stream is of the new epoch: read it all
            switchTo(name, RedisPosition.ofStreamId(name, first.get(0).getId()), RedisPosition.start(name));
            cursor = "0-0";
        }
    }

    private void dropConnections() {
        StatefulRedisConnection<String, String> reading = connection;
        StatefulRedisConnection<String, String> shared = commands;
        connection = null;
        commands = null;
        for (StatefulRedisConnection<String, String> open : new StatefulRedisConnection[] {reading, shared}) {
            if (open != null) {
                open.closeAsync();
            }
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

    /** Waits until this node has read {@code position} (of the current epoch); false if not within the time. */
    boolean awaitRead(RedisPosition position, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        progressLock.lock();
        try {
            while (true) {
                StreamEntries.Epoch current = epoch;
                RedisPosition newest = ring.newest();
                if (current != null && current.name().equals(position.epoch()) && newest != null
                        && newest.compareTo(position) >= 0) {
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

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    /** Stops the loop: closes its connection (which ends a blocked XREAD) and waits for the thread. */
    void stop() {
        stopping = true;
        Thread reader = thread;
        StatefulRedisConnection<String, String> open = connection;
        if (open != null) {
            open.closeAsync();
        }
        if (reader != null) {
            reader.interrupt();
            try {
                reader.join(settings.timeout().toMillis() + 1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
