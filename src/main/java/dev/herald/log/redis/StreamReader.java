package dev.herald.log.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * This node's reader of one partition's stream: one thread with its own connection (blocking reads on a shared
 * connection would stall every other command behind them), reading with {@code XREAD BLOCK} from its cursor and
 * handing the entries to the {@link MergedDelivery} in stream order. The same loop catches up after an outage:
 * it simply continues from the cursor. It notices a recreated stream (another epoch) from the entries' epoch,
 * and from the meta hash when the new stream's ids lie below the cursor. It also holds the partition's shared
 * connection, which appends to the partition use.
 */
final class StreamReader implements Runnable {
    private static final System.Logger LOG = System.getLogger(StreamReader.class.getName());
    private static final int BATCH = 1_000;
    private static final long EPOCH_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final String START_SCRIPT = AppendScript.load("start.lua");

    private final RedisSettings settings;
    private final Partition partition;
    private final RedisConnections connections;
    private final BackplaneHealth health;
    private final MergedDelivery delivery;
    private final PartitionCount partitionCount;
    private final Duration block;
    private volatile boolean stopping;
    private volatile Thread thread;
    private volatile StatefulRedisConnection<String, String> connection;
    /** The connection every other command of this partition shares (appends, replays); used by the log. */
    private volatile StatefulRedisConnection<String, String> commands;
    /** The epoch read now; null before Redis was first reached. */
    private volatile String epoch;
    private volatile double lagSeconds;
    private boolean initialized;
    private String cursor = "0-0";
    private long lastEpochCheckNanos;
    private long unreadable;

    StreamReader(RedisSettings settings, Partition partition, RedisConnections connections, BackplaneHealth health,
                 MergedDelivery delivery, PartitionCount partitionCount) {
        this.settings = settings;
        this.partitionCount = partitionCount;
        this.partition = partition;
        this.connections = connections;
        this.health = health;
        this.delivery = delivery;
        this.block = RedisUris.blockTime(settings.timeout());
    }

    void start() {
        Thread reader = new Thread(this, "herald-redis-reader-" + partition.index());
        reader.setDaemon(true);
        thread = reader;
        reader.start();
    }

    Partition partition() {
        return partition;
    }

    BackplaneHealth health() {
        return health;
    }

    /** The epoch read now, or null until Redis was first reached. */
    String epoch() {
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
                    connection = connections.connect(partition);
                }
                if (commands == null || (connections.followsTopology() && !commands.isOpen())) {
                    // a cluster's connections do not reconnect by themselves (RedisConnections)
                    commands = connections.connect(partition);
                }
                RedisCommands<String, String> redis = connection.sync();
                if (!initialized) {
                    initialize(redis);
                }
                poll(redis);
                health.readerUp();
                backoffMillis = 100;
            } catch (InterruptedException e) {
                break;
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

    /**
     * Starts from the end of the stream as it is now: this node delivers what is appended from here on. Gives the
     * partition its stream and epoch first if it has none (start.lua); partition 0 also checks the partition count.
     */
    private void initialize(RedisCommands<String, String> redis) throws InterruptedException {
        if (partition.index() == 0) {
            partitionCount.check(redis);
        }
        String name = redis.eval(START_SCRIPT, ScriptOutputType.VALUE,
                new String[] {partition.streamKey(), partition.metaKey()}, AppendScript.newEpoch(), StreamEntries.FORMAT);
        List<StreamMessage<String, String>> last = redis.xrevrange(partition.streamKey(), Range.create("-", "+"),
                Limit.from(1));
        cursor = last.isEmpty() ? "0-0" : last.get(0).getId();
        delivery.restart(partition.index(), name, RedisPosition.ofStreamId(name, cursor), false);
        epoch = name;
        initialized = true;
        LOG.log(Level.INFO, "Redis log: reading {0} at {1} from {2} (epoch {3})", partition.streamKey(),
                connections.describe(), cursor, name);
    }

    private void poll(RedisCommands<String, String> redis) throws InterruptedException {
        List<StreamMessage<String, String>> messages = redis.xread(XReadArgs.Builder.block(block).count(BATCH),
                XReadArgs.StreamOffset.from(partition.streamKey(), cursor));
        if (messages == null || messages.isEmpty()) {
            lagSeconds = 0;
            checkEpoch(redis);
            return;
        }
        long nowMillis = System.currentTimeMillis();
        long nowNanos = System.nanoTime();
        List<MergedDelivery.Read> batch = new ArrayList<>(messages.size());
        for (StreamMessage<String, String> message : messages) {
            MergedDelivery.Read read = read(redis, message, nowMillis, nowNanos, batch);
            if (read != null) {
                batch.add(read);
                lagSeconds = Math.max(0, nowMillis - read.publishedMillis()) / 1000.0;
            }
            cursor = message.getId();
        }
        if (!batch.isEmpty()) {
            delivery.deliver(partition.index(), batch);
        }
    }

    /** The entry as a read to deliver, or null when it is none (a control entry, refused, another epoch). */
    private MergedDelivery.Read read(RedisCommands<String, String> redis, StreamMessage<String, String> message,
                                     long nowMillis, long nowNanos, List<MergedDelivery.Read> batch)
            throws InterruptedException {
        Map<String, String> body = message.getBody();
        if (StreamEntries.isControl(body, StreamEntries.REVOKE)) {
            String subject = body.get(StreamEntries.SUBJECT);
            if (subject != null) {
                // in stream order with the events before it
                flush(batch);
                delivery.revoked(subject);
            }
            return null;
        }
        if (StreamEntries.isControl(body, StreamEntries.START)) {
            return null;
        }
        String problem = StreamEntries.problemWith(body);
        if (problem != null) {
            if (unreadable++ % 1_000 == 0) {
                LOG.log(Level.ERROR, "Redis log: refused entry {0} of {1}: {2} ({3} refused so far); subscribers do not"
                        + " receive it", message.getId(), partition.streamKey(), problem, unreadable);
            }
            return null;
        }
        String entryEpoch = StreamEntries.epochOf(message);
        if (!entryEpoch.equals(epoch)) {
            // the stream (or its meta hash) was created anew: follow only the epoch Redis holds now
            if (!entryEpoch.equals(redis.hget(partition.metaKey(), "epoch"))) {
                return null;
            }
            flush(batch);
            switchTo(entryEpoch, RedisPosition.ofStreamId(entryEpoch, cursor));
        }
        return StreamEntries.toRead(message, entryEpoch, nowMillis, nowNanos);
    }

    /** Hands over what was read so far, so that what comes next is delivered after it. */
    private void flush(List<MergedDelivery.Read> batch) throws InterruptedException {
        if (!batch.isEmpty()) {
            delivery.deliver(partition.index(), new ArrayList<>(batch));
            batch.clear();
        }
    }

    private void switchTo(String name, RedisPosition floor) throws InterruptedException {
        String previous = epoch;
        epoch = name;
        delivery.restart(partition.index(), name, floor, true);
        LOG.log(Level.WARNING, "Redis log: {0} has a new epoch {1} (was {2}): the stream was deleted or Redis lost"
                + " its data; live connections and clients resuming from ids of the old epoch get a reset",
                partition.streamKey(), name, previous);
    }

    /**
     * A stream recreated with ids below the cursor would never be read from the cursor: once a second, when
     * idle, compare the epoch in Redis with the one read, and start the new stream from its beginning.
     */
    private void checkEpoch(RedisCommands<String, String> redis) throws InterruptedException {
        long now = System.nanoTime();
        if (now - lastEpochCheckNanos < EPOCH_CHECK_NANOS) {
            return;
        }
        lastEpochCheckNanos = now;
        String name = redis.hget(partition.metaKey(), "epoch");
        if (name == null || name.equals(epoch)) {
            return;
        }
        List<StreamMessage<String, String>> first = redis.xrange(partition.streamKey(), Range.create("-", "+"),
                Limit.from(1));
        if (!first.isEmpty() && name.equals(StreamEntries.epochOf(first.get(0)))) {
            // every entry of this stream is of the new epoch: read it all
            switchTo(name, RedisPosition.start(name));
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
