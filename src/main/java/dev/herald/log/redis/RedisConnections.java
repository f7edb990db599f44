package dev.herald.log.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Lettuce's client, set up so that Redis trouble is answered, not hidden. Lettuce's defaults would queue
 * commands without bound while disconnected and let each wait 60 s; here a command is rejected at once while
 * disconnected, at most {@link #MAX_PENDING} wait for an answer, each for at most herald.redis.timeout, and
 * reconnects back off with full jitter (100 ms to 5 s) so a fleet of nodes does not reconnect in step.
 */
final class RedisConnections implements AutoCloseable {
    /** Commands in flight per connection: beyond, Lettuce refuses at once (a publish then answers 503). */
    static final int MAX_PENDING = 10_000;

    private final RedisURI uri;
    private final ClientResources resources;
    private final RedisClient client;
    private final Duration timeout;

    RedisConnections(RedisSettings settings) {
        this.uri = RedisUris.parse(settings);
        this.timeout = settings.timeout();
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.fullJitter(Duration.ofMillis(100), Duration.ofSeconds(5), 100, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(MAX_PENDING)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build())
                .build());
    }

    /** A new connection; throws (a RedisException) when Redis cannot be reached within the timeout. */
    StatefulRedisConnection<String, String> connect() {
        return client.connect();
    }

    String describe() {
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort();
    }

    /** Closes every connection and stops Lettuce's and Netty's threads, waiting at most the timeout for each. */
    @Override
    public void close() {
        try {
            client.shutdown(Duration.ZERO, timeout);
        } finally {
            try {
                resources.shutdown(0, timeout.toMillis(), TimeUnit.MILLISECONDS).get(timeout.toMillis() + 1_000,
                        TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // best effort: the threads are daemons and do not keep the JVM up
            }
        }
    }
}
