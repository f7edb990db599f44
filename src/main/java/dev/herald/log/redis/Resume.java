package dev.herald.log.redis;

import dev.herald.hub.Event;
import dev.herald.hub.EventLog;
import dev.herald.hub.HubException;
import dev.herald.hub.Signal;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * A resume from a {@link Cursor}: per partition of the requested topics, what follows the cursor's position
 * there. From this node's ring where it reaches back far enough (no Redis round trip, the reconnect-storm
 * case), else from the partition's stream up to the ring and the ring after it. A partition the cursor cannot
 * continue (another epoch, trimmed away, unknown, a position this node does not reach in time) is a reset for
 * its topics, with everything retained of them.
 *
 * <p>Replayed events carry cursors too, so that resuming again from any of them has no gap: each is the newest,
 * partition by partition, of the cursor resumed from and every replayed event so far. Entries read from Redis
 * come in the order of their stream ids (time) across partitions and before the ring's, and carry sequences
 * below every delivered one; the ring's keep theirs.
 */
final class Resume {
    /** Sequences of events read from Redis for a resume: below the delivery thread's, which start at 1. */
    private static final long HISTORY_SEQUENCES = Long.MIN_VALUE / 2;

    private final RedisSettings settings;
    private final RecentEntries ring;
    private final MergedDelivery delivery;
    private final StreamHistory history;
    /** The shared connection of a partition's master, null while there is none. */
    private final IntFunction<StatefulRedisConnection<String, String>> connections;

    Resume(RedisSettings settings, RecentEntries ring, MergedDelivery delivery, StreamHistory history,
           IntFunction<StatefulRedisConnection<String, String>> connections) {
        this.settings = settings;
        this.ring = ring;
        this.delivery = delivery;
        this.history = history;
        this.connections = connections;
    }

    /** @throws HubException BACKPLANE_UNAVAILABLE when a partition's stream must be read and cannot be */
    EventLog.Replay after(Cursor cursor, String[] topics) {
        int partitions = settings.partitions();
        String[] epochs = ring.epochs();
        RedisPosition[] from = cursor.resolve(epochs);
        boolean[] touched = PartitionTags.touchedBy(topics, partitions);
        RecentEntries.Slice slice = ring.after(from, topics);
        if (awaitFuturePositions(from, touched, slice)) {
            slice = ring.after(from, topics);
        }
        boolean[] reset = new boolean[partitions];
        List<MergedDelivery.Read> older = new ArrayList<>();
        for (int partition = 0; partition < partitions; partition++) {
            if (!touched[partition]) {
                continue;
            }
            RedisPosition start = from[partition];
            String epoch = slice.epochs()[partition];
            RedisPosition floor = slice.floor()[partition];
            reset[partition] = start == null;
            if (epoch == null || (start != null && (floor == null || start.compareTo(floor) >= 0))) {
                // not read yet (nothing to replay: a reset if the cursor did not know it), or the ring covers it
                continue;
            }
            StreamHistory.Part part = history.read(commands(partition), settings.partition(partition), epoch, start,
                    floor, topics);
            reset[partition] |= part.gap();
            older.addAll(part.reads());
        }
        older.sort(Comparator.comparing(MergedDelivery.Read::position));
        return assemble(from, topics, reset, older, slice);
    }

    /** Waits (briefly) to read positions this node has not read yet; true if any was awaited. */
    private boolean awaitFuturePositions(RedisPosition[] from, boolean[] touched, RecentEntries.Slice slice) {
        boolean awaited = false;
        long bound = Math.min(settings.timeout().toNanos(), TimeUnit.SECONDS.toNanos(1));
        for (int partition = 0; partition < from.length; partition++) {
            RedisPosition start = from[partition];
            RedisPosition newest = slice.newest()[partition];
            if (touched[partition] && start != null && (newest == null || start.compareTo(newest) > 0)) {
                awaited = true;
                if (!delivery.awaitRead(partition, start, bound)) {
                    // read by another node but not (yet) by this one, or an id from the future
                    from[partition] = null;
                }
            }
        }
        return awaited;
    }

    private EventLog.Replay assemble(RedisPosition[] from, String[] topics, boolean[] reset,
                                     List<MergedDelivery.Read> older, RecentEntries.Slice slice) {
        int partitions = from.length;
        String fingerprint = Cursor.fingerprint(slice.epochs());
        RedisPosition[] running = from.clone();
        List<Event> events = new ArrayList<>(older.size() + slice.events().size());
        long sequence = HISTORY_SEQUENCES;
        for (MergedDelivery.Read read : older) {
            int partition = PartitionTags.of(read.topic(), partitions);
            running[partition] = read.position();
            events.add(new Event(sequence++, Cursor.of(running.clone(), fingerprint, partition), read.topic(),
                    read.data(), read.conflationKey(), read.traceParent(), read.publishedNanos(),
                    read.publishedMillis()));
        }
        for (Event event : slice.events()) {
            Cursor cursor = (Cursor) event.position();
            Cursor.max(running, cursor.parts());
            events.add(Arrays.equals(running, cursor.parts()) ? event
                    : new Event(event.sequence(), Cursor.of(running.clone(), fingerprint, cursor.own()), event.topic(),
                    event.data(), event.conflationKey(), event.traceParent(), event.publishedNanos(),
                    event.publishedMillis()));
        }
        List<String> resetTopics = new ArrayList<>();
        for (String topic : topics) {
            if (reset[PartitionTags.of(topic, partitions)]) {
                resetTopics.add(topic);
            }
        }
        if (resetTopics.isEmpty()) {
            return new EventLog.Replay(null, events);
        }
        String oldest = events.stream().filter(event -> resetTopics.contains(event.topic())).findFirst()
                .map(Event::id).orElse(null);
        return new EventLog.Replay(new Signal.Reset(List.copyOf(resetTopics), oldest), events);
    }

    private RedisCommands<String, String> commands(int partition) {
        StatefulRedisConnection<String, String> connection = connections.apply(partition);
        if (connection == null) {
            throw new HubException(HubException.Reason.BACKPLANE_UNAVAILABLE, "Redis partition " + partition
                    + " at " + RedisUris.redact(settings.uri()) + " is not connected");
        }
        return connection.sync();
    }
}
