package dev.herald.log.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Lettuce's client, set up so that Redis trouble is answered, not hidden. Lettuce's defaults would queue
 * commands without bound while disconnected and let each wait 60 s; here a command is rejected at once while
 * disconnected, at most {@link #MAX_PENDING} wait for an answer, each for at most herald.redis.timeout, and
 * reconnects back off with full jitter (100 ms to 5 s) so a fleet of nodes does not reconnect in step.
 *
 * <p>On a Redis Cluster (herald.redis.cluster) every key of a partition shares one hash tag, so all its commands
 * go to the master of one slot: the connections are plain connections to that master, found through Lettuce's
 * cluster client, whose topology is read afresh on every (re)connect. They do not reconnect by
 * themselves: after a failover the master is elsewhere, so the log drops a failed connection and connects
 * again here ({@link #followsTopology()}), and an append that meets a moved slot is answered 503 meanwhile.
 */
final class RedisConnections implements AutoCloseable {
    /** Commands in flight per connection: beyond, Lettuce refuses at once (a publish then answers 503). */
    static final int MAX_PENDING = 10_000;
    private static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(5);

    private final RedisSettings settings;
    private final List<RedisURI> uris;
    private final ClientResources resources;
    private final RedisClient client;
    /** Null unless herald.redis.cluster. */
    private final RedisClusterClient cluster;
    private final Duration timeout;

    RedisConnections(RedisSettings settings) {
        this.settings = settings;
        this.uris = settings.cluster() ? RedisUris.seeds(settings) : List.of(RedisUris.parse(settings));
        this.timeout = settings.timeout();
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.fullJitter(Duration.ofMillis(100), Duration.ofSeconds(5), 100, TimeUnit.MILLISECONDS))
                .build();
        this.client = settings.cluster() ? RedisClient.create(resources) : RedisClient.create(resources, uris.get(0));
        client.setOptions(options(ClientOptions.builder()).build());
        if (settings.cluster()) {
            cluster = RedisClusterClient.create(resources, uris);
            cluster.setOptions(((ClusterClientOptions.Builder) options(ClusterClientOptions.builder()))
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(TOPOLOGY_REFRESH)
                            .enableAllAdaptiveRefreshTriggers()
                            .build())
                    .build());
        } else {
            cluster = null;
        }
    }

    private ClientOptions.Builder options(ClientOptions.Builder builder) {
        return builder
                .autoReconnect(!settings.cluster())
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(MAX_PENDING)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build());
    }

    /** Whether a failed connection must be dropped and made again here (the cluster case), not reconnected. */
    boolean followsTopology() {
        return cluster != null;
    }

    /**
     * A new connection for a partition (on a cluster: to the master that serves its slot now); throws (a
     * RedisException) when Redis cannot be reached within the timeout or no master serves the slot.
     */
    StatefulRedisConnection<String, String> connect(Partition partition) {
        if (cluster == null) {
            return client.connect();
        }
        cluster.refreshPartitions();
        int slot = SlotHash.getSlot(partition.streamKey());
        RedisClusterNode master = cluster.getPartitions().getMasterBySlot(slot);
        if (master == null || master.getUri() == null) {
            throw new RedisConnectionException("no master of the Redis Cluster at " + describe() + " serves slot "
                    + slot + " of " + partition.streamKey());
        }
        return client.connect(RedisUris.node(uris.get(0), master.getUri().getHost(), master.getUri().getPort()));
    }

    String describe() {
        RedisURI first = uris.get(0);
        return (first.isSsl() ? "rediss://" : "redis://") + first.getHost() + ":" + first.getPort()
                + (cluster == null ? "" : " (cluster, " + uris.size() + " seeds)");
    }

    /** Closes every connection and stops Lettuce's and Netty's threads, waiting at most the timeout for each. */
    @Override
    public void close() {
        try {
            if (cluster != null) {
                cluster.shutdown(Duration.ZERO, timeout);
            }
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
