package dev.herald.log.redis;

import dev.herald.hub.Event;
import dev.herald.hub.EventLog;
import dev.herald.it.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * herald.redis.partitions=4 on a real redis-server, two logs standing for two nodes: a cursor from one node
 * resumes topics of several partitions on the other with exactly the remaining events (from its ring, and from
 * the streams when the ring does not reach back), and again from any replayed event; a publish's own id is
 * exact for its partition and a reset for the others; the partition count is enforced; ids stay short.
 */
class PartitionedLogTest {
    /** Eight topics over at least two of four partitions (asserted). */
    private static final String[] TOPICS = {"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"};
    @RegisterExtension
    static final LogsOnRedis FIXTURE = new LogsOnRedis("target/redis-partitions-unit");
    private final RedisServer redis = FIXTURE.server();
    private final List<RedisEventLog> logs = FIXTURE.logs();

    private static RedisSettings settings(int partitions, int ringMaxEvents, String node) {
        return new RedisSettings(FIXTURE.server().uri(), null, Duration.ofMillis(500), 10_000, Duration.ofMinutes(5),
                ringMaxEvents, 1L << 20, "parts", node, RedisSettings.ReplicaWait.NONE, false, partitions);
    }

    private List<Event> node(int partitions, int ringMaxEvents) {
        RedisSettings settings = settings(partitions, ringMaxEvents, "node-" + logs.size());
        Delivered delivered = new Delivered();
        RedisEventLog log = Delivered.start(settings, delivered);
        logs.add(log);
        await(() -> {
            for (int i = 0; i < partitions; i++) {
                if (!log.up(i)) {
                    return false;
                }
            }
            return true;
        }, "every partition is up");
        return delivered.events;
    }

    private static String append(EventLog log, String topic, int n) {
        return log.append(new EventLog.Append(topic, "{\"n\":" + n + "}", null, null, null, null))
                .toCompletableFuture().join().id();
    }

    /** Publishes 40 events over the eight topics, alternately on both nodes; both deliver all of them. */
    private List<String> publish40(List<Event> a, List<Event> b) {
        List<String> published = new ArrayList<>();
        for (int n = 0; n < 40; n++) {
            append(logs.get(n % 2), TOPICS[n % TOPICS.length], n);
            published.add(TOPICS[n % TOPICS.length] + "#" + n);
        }
        await(() -> a.size() == 40 && b.size() == 40, "both nodes deliver the 40: " + a.size() + ", " + b.size());
        return published;
    }

    private static List<String> keys(List<Event> events) {
        return events.stream().map(event -> event.topic() + "#" + event.data().replaceAll("\\D", "")).toList();
    }

    /** The same events per topic, each topic in publish order: what a connection over these topics must get. */
    private static Map<String, List<String>> perTopic(List<String> keys) {
        Map<String, List<String>> byTopic = new LinkedHashMap<>();
        for (String key : keys) {
            byTopic.computeIfAbsent(key.substring(0, key.indexOf('#')), topic -> new ArrayList<>()).add(key);
        }
        return byTopic;
    }

    @Test
    void aCursorFromOneNodeResumesEightTopicsOnTheOtherWithExactlyTheRest() {
        Set<Integer> partitions = new HashSet<>();
        for (String topic : TOPICS) {
            partitions.add(PartitionTags.of(topic, 4));
        }
        assertTrue(partitions.size() >= 2, "the topics span several partitions: " + partitions);
        List<Event> a = node(4, 1_000);
        List<Event> b = node(4, 1_000);
        publish40(a, b);
        for (int cut : new int[] {0, 13, 27, 39}) {
            Event seen = a.get(cut);
            EventLog.Replay rest = logs.get(1).readAfter(logs.get(1).position(seen.id()), TOPICS);
            assertNull(rest.reset(), "exact, no reset, after " + seen.id());
            assertEquals(perTopic(keys(a.subList(cut + 1, 40))), perTopic(keys(rest.events())),
                    "node B replays exactly what followed A's event " + cut);
            assertEquals(39 - cut, rest.events().size());
            if (rest.events().size() > 3) {
                // and a replayed event's id resumes on A with exactly what followed it in the replay
                Event again = rest.events().get(2);
                EventLog.Replay onA = logs.get(0).readAfter(logs.get(0).position(again.id()), TOPICS);
                assertNull(onA.reset());
                assertEquals(perTopic(keys(rest.events().subList(3, rest.events().size()))), perTopic(keys(onA.events())));
            }
        }
    }

    @Test
    void beyondTheRingTheStreamsAreReadAndTheResultIsTheSame() {
        List<Event> a = node(4, 1_000);
        List<Event> b = node(4, 5);
        publish40(a, b);
        Event seen = a.get(9);
        long ranges = redis.commandCalls("xrange");
        EventLog.Replay rest = logs.get(1).readAfter(logs.get(1).position(seen.id()), TOPICS);
        assertTrue(redis.commandCalls("xrange") > ranges, "node B's ring holds 5: it read the streams");
        assertNull(rest.reset());
        assertEquals(perTopic(keys(a.subList(10, 40))), perTopic(keys(rest.events())));
        Event again = rest.events().get(20);
        EventLog.Replay fromReplayed = logs.get(0).readAfter(logs.get(0).position(again.id()), TOPICS);
        assertEquals(perTopic(keys(rest.events().subList(21, 30))), perTopic(keys(fromReplayed.events())));
    }

    @Test
    void aPublishIdIsExactForItsPartitionAndAResetForTheOthers() {
        List<Event> a = node(4, 1_000);
        List<Event> b = node(4, 1_000);
        publish40(a, b);
        String answered = append(logs.get(0), "t0", 40);
        await(() -> a.size() == 41, "A delivers the 41st");
        int own = PartitionTags.of("t0", 4);
        assertTrue(answered.startsWith(own + ":"), answered);
        append(logs.get(0), "t0", 41);
        append(logs.get(0), "t1", 42);
        await(() -> a.size() == 43, "A delivers all");
        EventLog.Replay replay = logs.get(0).readAfter(logs.get(0).position(answered), TOPICS);
        assertNotNull(replay.reset());
        Set<String> reset = new HashSet<>(replay.reset().topics());
        for (String topic : TOPICS) {
            assertEquals(PartitionTags.of(topic, 4) != own, reset.contains(topic), topic + " reset: " + reset);
        }
        List<String> ownTopics = keys(replay.events()).stream()
                .filter(key -> PartitionTags.of(key.substring(0, key.indexOf('#')), 4) == own).toList();
        assertEquals(List.of("t0#41"), ownTopics.stream().filter(key -> key.startsWith("t0#")).toList(),
                "its own partition continues exactly after it");
    }

    @Test
    void aNodeWithAnotherPartitionCountRefusesToStart() {
        node(4, 100);
        RedisEventLog other = new RedisEventLog(settings(2, 100, "node-two"));
        logs.add(other);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> other.deliverTo(new Delivered()));
        assertTrue(refused.getMessage().contains("herald.redis.partitions is 2") && refused.getMessage().contains("with 4"),
                refused.getMessage());
    }

    @Test
    void idLengthsAtOneFourAndSixteenPartitions() {
        Map<Integer, Integer> longest = new LinkedHashMap<>();
        for (int partitions : new int[] {1, 4, 16}) {
            redis.call("FLUSHALL");
            List<Event> delivered = node(partitions, 1_000);
            for (int n = 0; n < 64; n++) {
                append(logs.get(logs.size() - 1), "topic." + n, n);
            }
            await(() -> delivered.size() == 64, "64 delivered");
            longest.put(partitions, delivered.stream().mapToInt(event -> event.id().length()).max().orElseThrow());
            logs.remove(logs.size() - 1).close();
        }
        System.out.println("PartitionedLogTest: longest event id over 64 events (characters) by partitions: " + longest);
        assertTrue(longest.get(1) <= 22, longest.toString());
        assertTrue(longest.get(4) <= 40, longest.toString());
        assertTrue(longest.get(16) <= 100, longest.toString());
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
