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
 * The shared log (herald.backplane=redis): every node appends to one Redis stream with one atomic script and
 * reads it with its own blocking reader, so an event published on any node reaches the subscribers of every
 * node, in the stream's order, with the same id everywhere. History and resume come from the stream (through
 * this node's ring of recent entries first). Lettuce is set up to fail fast (see {@link RedisConnections}): a
 * publish that Redis does not store within herald.redis.timeout fails, and nothing waits to be sent later.
 */
public final class RedisEventLog implements EventLog {
    private final RedisSettings settings;
    private final RedisConnections connections;
    private final RecentEntries ring;
    private final BackplaneHealth health;
    private final AppendScript script;
    private final StreamHistory history;
    private final Leases leases;
    /** Completes publishes off Lettuce's event loop: the container resumes the HTTP response on this thread. */
    private final ThreadPoolExecutor callbacks;
    private volatile StreamReader reader;
    private volatile boolean closed;

    public RedisEventLog(RedisSettings settings) {
        this.settings = settings;
        this.connections = new RedisConnections(settings);
        this.ring = new RecentEntries(settings.ringMaxEvents(), settings.ringMaxBytes());
        this.health = new BackplaneHealth(connections.describe());
        this.script = new AppendScript(settings);
        this.history = new StreamHistory(settings, ring);
        this.leases = new Leases(settings);
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
        return connections.describe() + " stream " + settings.streamKey();
    }

    @Override
    public void deliverTo(Listener listener) {
        StreamReader started = new StreamReader(settings, connections, ring, health, listener);
        reader = started;
        started.start();
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
        StatefulRedisConnection<String, String> connection = commands();
        if (connection == null || !health.up()) {
            return CompletableFuture.failedFuture(unavailable(null));
        }
        CompletableFuture<Position> stored;
        try {
            stored = script.run(connection.async(), append);
        } catch (RedisException e) {
            return CompletableFuture.failedFuture(unavailable(e));
        }
        return stored.handleAsync((position, failure) -> {
            if (failure == null) {
                return position;
            }
            Throwable cause = AppendScript.unwrap(failure);
            throw cause instanceof HubException refused ? refused : unavailable(cause);
        }, callbacks);
    }

    /** A control entry in the stream: every node's reader closes the subject's connections when it reads it. */
    @Override
    public CompletionStage<Void> revoke(String subject) {
        StatefulRedisConnection<String, String> connection = commands();
        if (closed || connection == null || !health.up()) {
            return CompletableFuture.failedFuture(unavailable(null));
        }
        return connection.async().xadd(settings.streamKey(),
                        XAddArgs.Builder.maxlen(settings.streamMaxEvents()).approximateTrimming(),
                        Map.of(StreamEntries.VERSION, StreamEntries.FORMAT, StreamEntries.KIND, StreamEntries.REVOKE,
                                StreamEntries.SUBJECT, subject))
                .toCompletableFuture()
                .handleAsync((id, failure) -> {
                    if (failure != null) {
                        throw unavailable(AppendScript.unwrap(failure));
                    }
                    return (Void) null;
                }, callbacks);
    }

    @Override
    public Replay readAfter(Position after, String[] topics) {
        RedisPosition from = after instanceof RedisPosition position ? position : RedisPosition.UNUSABLE;
        StreamReader current = reader;
        StreamEntries.Epoch epoch = current == null ? null : current.epoch();
        try {
            if (epoch == null) {
                // no stream: whatever the client saw is gone
                return new Replay(new Signal.Reset(List.of(topics), null), List.of());
            }
            if (!from.epoch().equals(epoch.name())) {
                return history.everything(requireCommands(), epoch, topics);
            }
            RedisPosition newest = ring.newest();
            if (newest != null && from.compareTo(newest) > 0
                    && !current.awaitRead(from, Math.min(settings.timeout().toNanos(), TimeUnit.SECONDS.toNanos(1)))) {
                // read by another node but not (yet) by this one, or an id from the future
                return history.everything(requireCommands(), epoch, topics);
            }
            List<Event> recent = ring.after(from, topics);
            if (recent != null) {
                return new Replay(null, recent);
            }
            return history.after(requireCommands(), epoch, from, topics);
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    @Override
    public Position position(String text) {
        RedisPosition parsed = RedisPosition.parse(text);
        return parsed == null ? RedisPosition.UNUSABLE : parsed;
    }

    @Override
    public boolean up() {
        StatefulRedisConnection<String, String> connection = commands();
        return !closed && health.up() && connection != null && connection.isOpen();
    }

    /** The retained history of a topic as the stream holds it (a scan of the stream: a diagnostic, not a hot path). */
    @Override
    public TopicHistory describe(String topic) {
        try {
            return history.describe(requireCommands(), topic);
        } catch (RedisException e) {
            throw unavailable(e);
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

    @Override
    public double lagSeconds() {
        StreamReader current = reader;
        return current == null ? 0 : current.lagSeconds();
    }

    @Override
    public boolean holdsLease(String lease, Duration ttl) {
        StatefulRedisConnection<String, String> connection = commands();
        if (closed || connection == null || !health.up()) {
            return false;
        }
        return leases.hold(connection, lease, ttl);
    }

    /** The shared connection, or null before Redis was first reached. */
    private StatefulRedisConnection<String, String> commands() {
        StreamReader current = reader;
        return current == null ? null : current.commands();
    }

    private StatefulRedisConnection<String, String> requireCommands() {
        StatefulRedisConnection<String, String> connection = commands();
        if (connection == null) {
            throw unavailable(null);
        }
        return connection;
    }

    private HubException unavailable(Throwable cause) {
        return new HubException(HubException.Reason.BACKPLANE_UNAVAILABLE, "Redis at " + connections.describe()
                + " did not store or answer within " + settings.timeout().toMillis() + " ms (herald.redis.timeout)"
                + (cause == null ? "" : ": " + cause.getMessage()));
    }

    /** Stops the reader, then Lettuce's client and threads; appends after this fail with CLOSED. */
    @Override
    public void close() {
        closed = true;
        StreamReader current = reader;
        if (current != null) {
            current.stop();
        }
        connections.close();
        callbacks.shutdown();
    }
}
