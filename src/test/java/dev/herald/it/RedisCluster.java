package dev.herald.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster of {@code masters} masters and no replicas on loopback: Debian's redis-server with
 * {@code --cluster-enabled yes}, explicit cluster bus ports, a fresh {@code nodes.conf} per run,
 * {@code cluster-require-full-coverage no} (the slots of a master that is down fail, the others keep
 * serving), created with {@code redis-cli --cluster create}; ready once every node says {@code cluster_state:ok}.
 */
public final class RedisCluster implements AutoCloseable {
    private final List<RedisServer> masters;

    private RedisCluster(List<RedisServer> masters) {
        this.masters = masters;
    }

    public static RedisCluster start(Path dir, int count) {
        List<RedisServer> masters = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                masters.add(RedisServer.startWith(dir.resolve("node-" + i), true, List.of("--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf", "--cluster-port", Integer.toString(freePort()),
                        "--cluster-node-timeout", "2000", "--cluster-require-full-coverage", "no")));
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            masters.forEach(master -> create.add("127.0.0.1:" + master.port()));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process process = new ProcessBuilder(create).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
            }
            RedisCluster cluster = new RedisCluster(masters);
            cluster.awaitOk();
            return cluster;
        } catch (IOException | RuntimeException | AssertionError e) {
            // AssertionError: the cluster never became ok (Poll); stop what was started either way
            masters.forEach(RedisServer::close);
            throw new IllegalStateException("cannot start the Redis Cluster", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            masters.forEach(RedisServer::close);
            throw new IllegalStateException(e);
        }
    }

    /** Waits until every running node reports {@code cluster_state:ok}. */
    public void awaitOk() {
        Poll.until(() -> masters.stream().allMatch(master -> state(master).contains("cluster_state:ok")),
                () -> "cluster_state:ok on every node; the first says " + state(masters.get(0)));
    }

    private static String state(RedisServer node) {
        try {
            return node.command("CLUSTER", "INFO");
        } catch (IOException e) {
            return "down: " + e;
        }
    }

    /** The seed list for herald.redis.uri in its short form: {@code redis://127.0.0.1:a,127.0.0.1:b,…}. */
    public String seeds() {
        StringBuilder seeds = new StringBuilder("redis://");
        for (int i = 0; i < masters.size(); i++) {
            seeds.append(i == 0 ? "" : ",").append("127.0.0.1:").append(masters.get(i).port());
        }
        return seeds.toString();
    }

    /** The master that serves {@code key}'s slot now. */
    public RedisServer masterOf(String key) {
        String slot = masters.get(0).call("CLUSTER", "KEYSLOT", key).trim();
        String owner = owner(slot);
        for (RedisServer master : masters) {
            if (master.call("CLUSTER", "MYID").trim().equals(owner)) {
                return master;
            }
        }
        throw new IllegalStateException("no master serves slot " + slot);
    }

    private String owner(String slot) {
        int wanted = Integer.parseInt(slot.trim());
        for (String line : masters.get(0).call("CLUSTER", "NODES").split("\n")) {
            String[] fields = line.trim().split(" ");
            for (int i = 8; i < fields.length; i++) {
                String[] range = fields[i].split("-");
                int from = Integer.parseInt(range[0]);
                int to = range.length == 1 ? from : Integer.parseInt(range[1]);
                if (wanted >= from && wanted <= to) {
                    return fields[0];
                }
            }
        }
        return "";
    }

    public List<RedisServer> masters() {
        return masters;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        masters.forEach(RedisServer::close);
    }
}
