package dev.herald.log.redis;

import dev.herald.hub.Event;
import dev.herald.hub.EventLog;
import dev.herald.hub.HubException;
import dev.herald.hub.Position;
import dev.herald.hub.Signal;
import dev.herald.hub.Topics;
import io.lettuce.core.RedisException;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The shared log (herald.backplane=redis): topics are spread over herald.redis.partitions streams (one by
 * default); every node appends an event to its topic's stream with one atomic script on that stream's master,
 * and reads every stream with its own blocking reader, so an event published on any node reaches the
 * subscribers of every node, in its stream's order. One delivery thread merges the partitions and gives each
 * event a {@link Cursor} over all of them, which resumes on any node (through this node's ring of recent
 * entries first). Lettuce is set up to fail fast (see {@link RedisConnections}): a publish that Redis does not
 * store within herald.redis.timeout fails, and nothing waits to be sent later. A partition whose master is
 * down refuses the publishes of its topics; the others carry on.
 */
public final class RedisEventLog implements EventLog {
    private final RedisSettings settings;
    private final RedisConnections connections;
    private final RecentEntries ring;
    private final AppendScript script;
    private final StreamHistory history;
    private final Leases leases;
    private final PartitionCount partitionCount;
    /** Completes publishes off Lettuce's event loop: the container resumes the HTTP response on this thread. */
    private final ThreadPoolExecutor callbacks;
    private final StreamReader[] readers;
    private volatile MergedDelivery delivery;
    private volatile Resume resume;
    private volatile boolean closed;

    public RedisEventLog(RedisSettings settings) {
        this.settings = settings;
        this.connections = new RedisConnections(settings);
        this.ring = new RecentEntries(settings.partitions(), settings.ringMaxEvents(), settings.ringMaxBytes());
        this.script = new AppendScript(settings);
        this.history = new StreamHistory(settings);
        this.leases = new Leases(settings);
        this.partitionCount = new PartitionCount(settings);
        this.readers = new StreamReader[settings.partitions()];
        this.callbacks = new ThreadPoolExecutor(1, 2, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(RedisConnections.MAX_PENDING), runnable -> {
                    Thread thread = new Thread(runnable, "herald-redis-callback");
                    thread.setDaemon(true);
                    return thread;
                });
        callbacks.allowCoreThreadTimeOut(true);
    }

    /** Where this log lives, for the start-up line (no password). */
    public String describe() {
        return connections.describe() + " stream " + settings.partition(0).streamKey()
                + (settings.partitions() == 1 ? "" : " and " + (settings.partitions() - 1) + " more partitions");
    }

    /**
     * Starts the readers and the delivery. When Redis answers now, first checks the partition count stored there
     * and refuses to start with another one ({@link PartitionCount}); otherwise the reader checks once it is reached.
     */
    @Override
    public void deliverTo(Listener listener) {
        checkPartitionCountNow();
        MergedDelivery merged = new MergedDelivery(settings.partitions(), ring, listener);
        delivery = merged;
        for (int i = 0; i < readers.length; i++) {
            String where = connections.describe() + (readers.length == 1 ? "" : " (partition " + i + ")");
            readers[i] = new StreamReader(settings, settings.partition(i), connections, new BackplaneHealth(where),
                    merged, partitionCount);
        }
        resume = new Resume(settings, ring, merged, history, partition -> readers[partition].commands());
        merged.start();
        for (StreamReader reader : readers) {
            reader.start();
        }
    }

    private void checkPartitionCountNow() {
        StatefulRedisConnection<String, String> connection;
        try {
            connection = connections.connect(settings.partition(0));
        } catch (RedisException e) {
            return;
        }
        try {
            partitionCount.check(connection.sync());
        } catch (RedisException e) {
            // checked again by partition 0's reader once Redis answers
        } finally {
            connection.closeAsync();
        }
    }

    @Override
    public CompletionStage<Position> append(Append append) {
        String problem = Topics.problemWith(append.topic());
        if (problem != null) {
            return CompletableFuture.failedFuture(new HubException(HubException.Reason.INVALID_TOPIC, problem));
        }
        if (closed) {
            return CompletableFuture.failedFuture(new HubException(HubException.Reason.CLOSED, "the server is shutting down"));
        }
        int partition = PartitionTags.of(append.topic(), settings.partitions());
        StreamReader reader = readers[partition];
        StatefulRedisConnection<String, String> connection = reader == null ? null : reader.commands();
        if (connection == null || !reader.health().up() || partitionCount.refusal() != null) {
            return CompletableFuture.failedFuture(unavailable(partition, null));
        }
        CompletableFuture<RedisPosition> stored;
        try {
            stored = script.run(connection.async(), reader.partition(), append);
        } catch (RedisException e) {
            return CompletableFuture.failedFuture(unavailable(partition, e));
        }
        return stored.handleAsync((position, failure) -> {
            if (failure == null) {
                return (Position) Cursor.single(settings.partitions(), partition, position);
            }
            Throwable cause = AppendScript.unwrap(failure);
            throw cause instanceof HubException refused ? refused : unavailable(partition, cause);
        }, callbacks);
    }

    /** A control entry in partition 0's stream: every node closes the subject's connections when it reads it. */
    @Override
    public CompletionStage<Void> revoke(String subject) {
        StatefulRedisConnection<String, String> connection = commands(0);
        if (closed || connection == null || !readers[0].health().up()) {
            return CompletableFuture.failedFuture(unavailable(0, null));
        }
        return connection.async().xadd(settings.partition(0).streamKey(),
                        XAddArgs.Builder.maxlen(settings.streamMaxEvents()).approximateTrimming(),
                        Map.of(StreamEntries.VERSION, StreamEntries.FORMAT, StreamEntries.KIND, StreamEntries.REVOKE,
                                StreamEntries.SUBJECT, subject))
                .toCompletableFuture()
                .handleAsync((id, failure) -> {
                    if (failure != null) {
                        throw unavailable(0, AppendScript.unwrap(failure));
                    }
                    return (Void) null;
                }, callbacks);
    }

    @Override
    public Replay readAfter(Position after, String[] topics) {
        Resume current = resume;
        if (current == null) {
            return new Replay(new Signal.Reset(List.of(topics), null), List.of());
        }
        Cursor from = after instanceof Cursor cursor ? cursor : Cursor.parse(null, settings.partitions());
        try {
            return current.after(from, topics);
        } catch (RedisException e) {
            throw unavailable(-1, e);
        }
    }

    @Override
    public Position position(String text) {
        return Cursor.parse(text, settings.partitions());
    }

    /** Up while this node appends to and reads at least one partition (each one's state: {@link #up(int)}). */
    @Override
    public boolean up() {
        for (int i = 0; i < readers.length; i++) {
            if (up(i)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int partitions() {
        return readers.length;
    }

    @Override
    public boolean up(int partition) {
        StreamReader reader = readers[partition];
        StatefulRedisConnection<String, String> connection = reader == null ? null : reader.commands();
        return !closed && partitionCount.refusal() == null && connection != null && reader.health().up()
                && connection.isOpen();
    }

    /** The retained history of a topic as its stream holds it (a scan of the stream: a diagnostic, not a hot path). */
    @Override
    public TopicHistory describe(String topic) {
        int partition = PartitionTags.of(topic, settings.partitions());
        StatefulRedisConnection<String, String> connection = commands(partition);
        if (connection == null) {
            throw unavailable(partition, null);
        }
        try {
            return history.describe(connection.sync(), settings.partition(partition), topic);
        } catch (RedisException e) {
            throw unavailable(partition, e);
        }
    }

    /** This node's view: topics among the entries it read recently. */
    @Override
    public boolean tracks(String topic) {
        return ring.tracks(topic);
    }

    @Override
    public long retainedEvents() {
        return ring.events();
    }

    @Override
    public long retainedBytes() {
        return ring.bytes();
    }

    @Override
    public int topicCount() {
        return ring.topicCount();
    }

    /** The largest lag over the partitions. */
    @Override
    public double lagSeconds() {
        double lag = 0;
        for (StreamReader reader : readers) {
            lag = reader == null ? lag : Math.max(lag, reader.lagSeconds());
        }
        return lag;
    }

    @Override
    public boolean holdsLease(String lease, Duration ttl) {
        StatefulRedisConnection<String, String> connection = commands(0);
        if (closed || connection == null || !readers[0].health().up()) {
            return false;
        }
        return leases.hold(connection, lease, ttl);
    }

    /** A partition's shared connection, or null before Redis was first reached. */
    private StatefulRedisConnection<String, String> commands(int partition) {
        StreamReader reader = readers[partition];
        return reader == null ? null : reader.commands();
    }

    private HubException unavailable(int partition, Throwable cause) {
        String refusal = partitionCount.refusal();
        if (refusal != null) {
            return new HubException(HubException.Reason.BACKPLANE_UNAVAILABLE, refusal);
        }
        return new HubException(HubException.Reason.BACKPLANE_UNAVAILABLE, "Redis at " + connections.describe()
                + (partition < 0 || readers.length == 1 ? "" : " (partition " + partition + ")")
                + " did not store or answer within " + settings.timeout().toMillis() + " ms (herald.redis.timeout)"
                + (cause == null ? "" : ": " + cause.getMessage()));
    }

    /** Stops the readers and the delivery, then Lettuce's client and threads; appends after this fail with CLOSED. */
    @Override
    public void close() {
        closed = true;
        for (StreamReader reader : readers) {
            if (reader != null) {
                reader.stop();
            }
        }
        MergedDelivery merged = delivery;
        if (merged != null) {
            merged.stop(settings.timeout().toMillis());
        }
        connections.close();
        callbacks.shutdown();
    }
}
