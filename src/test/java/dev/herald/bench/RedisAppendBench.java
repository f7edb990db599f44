package dev.herald.bench;

import dev.herald.hub.Event;
import dev.herald.hub.EventLog;
import dev.herald.log.redis.RedisEventLog;
import dev.herald.log.redis.RedisSettings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How many publishes one Redis master takes through Herald's Redis log: one log ("a node") appends as fast
 * as K appends in flight allow, for each partition count and K, and reads everything back as a node does.
 * Per step it reports appends/s, append latency, and per append the Redis CPU, commands and bytes and this
 * process's CPU — whichever of Redis (one thread) and this process is near its limit is the bottleneck.
 * No HTTP and no fan-out: an upper bound on what a master gives the nodes, not what a node publishes.
 *
 * <pre>
 * mvn -B -Pbench package -DskipTests -Dbench.main=dev.herald.bench.RedisAppendBench \
 *   -Dbench.args="--redis redis://127.0.0.1:6379 --partitions 1,4 --in-flight 1,16,128 --seconds 10"
 * </pre>
 * The Redis must be one this run may write to: every step uses its own key prefix and deletes nothing.
 */
public final class RedisAppendBench {
    private static final String PAYLOAD = "x".repeat(128);
    private static final int TOPICS = 64;

    private RedisAppendBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        String uri = options.getOrDefault("--redis", "redis://127.0.0.1:6379");
        List<Integer> partitionCounts = integers(options.getOrDefault("--partitions", "1,4"));
        List<Integer> inFlights = integers(options.getOrDefault("--in-flight", "1,16,128"));
        Duration step = Duration.ofSeconds(Long.parseLong(options.getOrDefault("--seconds", "10")));
        List<String> rows = new ArrayList<>();
        rows.add("partitions\tin_flight\tappends\tappends_per_s\tp50_ms\tp99_ms\tdelivered\tredis_cpu_ms_per_append"
                + "\tredis_core_share\tbench_cpu_ms_per_append\tcommands_per_append\tbytes_in_per_append"
                + "\tbytes_out_per_append");
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> stats = client.connect()) {
            long redisPid = Long.parseLong(field(stats.sync().info("server"), "process_id"));
            for (int partitions : partitionCounts) {
                for (int inFlight : inFlights) {
                    String prefix = "appendbench-" + ProcessHandle.current().pid() + "-p" + partitions + "-k" + inFlight;
                    String row = step(uri, prefix, partitions, inFlight, step, stats, redisPid);
                    System.out.println(row);
                    rows.add(row);
                }
            }
        } finally {
            client.shutdown();
        }
        String out = options.get("--out");
        if (out != null) {
            Files.write(Path.of(out), rows);
        }
    }

    private static String step(String uri, String prefix, int partitions, int inFlight, Duration step,
                               StatefulRedisConnection<String, String> stats, long redisPid) throws Exception {
        RedisSettings settings = new RedisSettings(uri, null, Duration.ofSeconds(2), 100_000, Duration.ofMinutes(5),
                10_000, 1L << 20, prefix, prefix, RedisSettings.ReplicaWait.NONE, false, partitions);
        AtomicLong delivered = new AtomicLong();
        try (RedisEventLog log = new RedisEventLog(settings)) {
            log.deliverTo(new EventLog.Listener() {
                @Override
                public void deliver(Event event) {
                    delivered.incrementAndGet();
                }
            });
            long upBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!allUp(log) && System.nanoTime() < upBy) {
                Thread.sleep(20); // the readers connect in the background
            }
            run(log, Math.min(inFlight, 4), Duration.ofSeconds(2), new LatencyStats()); // warm-up: scripts loaded, JIT
            delivered.set(0);
            stats.sync().configResetstat();
            double redisCpuBefore = ProcStats.cpuSeconds(List.of(redisPid));
            double ownCpuBefore = ownCpuSeconds();
            LatencyStats latency = new LatencyStats();
            long started = System.nanoTime();
            long appends = run(log, inFlight, step, latency);
            double seconds = (System.nanoTime() - started) / 1e9;
            double redisCpu = ProcStats.cpuSeconds(List.of(redisPid)) - redisCpuBefore;
            double ownCpu = ownCpuSeconds() - ownCpuBefore;
            String info = stats.sync().info("stats");
            awaitDelivered(delivered, appends);
            return String.format(Locale.ROOT, "%d\t%d\t%d\t%.0f\t%.2f\t%.2f\t%d\t%.4f\t%.2f\t%.4f\t%.2f\t%.0f\t%.0f",
                    partitions, inFlight, appends, appends / seconds, latency.percentileMillis(50),
                    latency.percentileMillis(99), delivered.get(), redisCpu * 1000 / appends, redisCpu / seconds,
                    ownCpu * 1000 / appends, number(info, "total_commands_processed") / appends,
                    number(info, "total_net_input_bytes") / appends, number(info, "total_net_output_bytes") / appends);
        }
    }

    /** Keeps {@code inFlight} appends outstanding for {@code duration}; returns how many completed. */
    private static long run(EventLog log, int inFlight, Duration duration, LatencyStats latency) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        AtomicBoolean stopping = new AtomicBoolean();
        AtomicLong completed = new AtomicLong();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        CountDownLatch chains = new CountDownLatch(inFlight);
        for (int chain = 0; chain < inFlight; chain++) {
            next(log, chain, deadline, stopping, completed, failed, chains, latency);
        }
        chains.await();
        if (failed.get() != null) {
            throw new IllegalStateException("an append failed", failed.get());
        }
        return completed.get();
    }

    /** One chain of appends: each completion issues the next, until the deadline. */
    private static void next(EventLog log, int chain, long deadline, AtomicBoolean stopping, AtomicLong completed,
                             AtomicReference<Throwable> failed, CountDownLatch chains, LatencyStats latency) {
        long sent = System.nanoTime();
        if (stopping.get() || sent >= deadline) {
            stopping.set(true);
            chains.countDown();
            return;
        }
        String topic = "bench-" + (completed.get() + chain) % TOPICS;
        log.append(new EventLog.Append(topic, PAYLOAD, null, null, null, null)).whenComplete((position, error) -> {
            if (error != null) {
                failed.compareAndSet(null, error);
                stopping.set(true);
            } else {
                completed.incrementAndGet();
                synchronized (latency) {
                    latency.record((System.nanoTime() - sent) / 1000);
                }
            }
            next(log, chain, deadline, stopping, completed, failed, chains, latency);
        });
    }

    private static boolean allUp(EventLog log) {
        for (int partition = 0; partition < log.partitions(); partition++) {
            if (!log.up(partition)) {
                return false;
            }
        }
        return true;
    }

    private static void awaitDelivered(AtomicLong delivered, long appended) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (delivered.get() < appended && System.nanoTime() < deadline) {
            Thread.sleep(50); // a benchmark's drain, not a test's synchronisation: the count is reported either way
        }
    }

    private static double ownCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    private static double number(String info, String name) {
        return Double.parseDouble(field(info, name));
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        throw new IllegalStateException("no " + name + " in INFO");
    }

    private static List<Integer> integers(String list) {
        return BenchArguments.list(list).stream().map(Integer::parseInt).toList();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        BenchArguments.pairs(args).forEach(pair -> options.put("--" + pair.getKey(), pair.getValue()));
        return options;
    }
}
