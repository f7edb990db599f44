package dev.herald.log.redis;

import dev.herald.hub.Event;
import dev.herald.hub.EventLog;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;

import java.util.ArrayList;
import java.util.List;

/**
 * History read from a partition's stream itself, for resumes from further back than this node's ring and for
 * topic descriptions. Whether a position can be continued without a gap comes from {@code XINFO STREAM}'s
 * {@code max-deleted-entry-id} (Redis 7): when trimming removed anything after the position, the resume is a
 * reset. Retention is per stream, so a gap is reported for every topic of the partition in the request.
 */
final class StreamHistory {
    private static final int PAGE = 1_000;

    private final RedisSettings settings;

    StreamHistory(RedisSettings settings) {
        this.settings = settings;
    }

    /** What the stream retains and deleted, as far as a resume needs it (ids as Redis prints them). */
    private record Retained(long length, String firstId, String maxDeletedId, String lastGeneratedId) {
    }

    /** Entries read for a resume; {@code gap} when the resume could not continue from its position. */
    record Part(boolean gap, List<MergedDelivery.Read> reads) {
    }

    /**
     * The partition's entries of these topics after {@code from} (null: everything retained, a reset) up to and
     * including {@code to}, where this node's ring takes over. A position trimmed away reads everything, as a gap.
     */
    Part read(RedisCommands<String, String> redis, Partition partition, String epoch, RedisPosition from,
              RedisPosition to, String[] topics) {
        boolean gap = from == null;
        String start = "-";
        if (from != null) {
            Retained retained = retained(redis, partition);
            if (retained == null) {
                return new Part(true, List.of());
            }
            gap = trimmedAfter(retained, from);
            start = gap ? "-" : "(" + from.streamId();
        }
        return new Part(gap, to == null ? List.of() : read(redis, partition, epoch, start, to.streamId(), topics));
    }

    EventLog.TopicHistory describe(RedisCommands<String, String> redis, Partition partition, String topic) {
        String epoch = redis.hget(partition.metaKey(), "epoch");
        RedisPosition last = null;
        RedisPosition oldest = null;
        int count = 0;
        long bytes = 0;
        String before = "+";
        long budget = settings.streamMaxEvents() * 2 + PAGE;
        while (budget > 0) {
            List<StreamMessage<String, String>> page = redis.xrevrange(partition.streamKey(),
                    Range.create("-", before), Limit.from(PAGE));
            for (StreamMessage<String, String> message : page) {
                if (topic.equals(message.getBody().get(StreamEntries.TOPIC)) && epoch != null
                        && epoch.equals(StreamEntries.epochOf(message))) {
                    RedisPosition position = RedisPosition.ofStreamId(epoch, message.getId());
                    last = last == null ? position : last;
                    oldest = position;
                    count++;
                    bytes += Event.sizeOf(topic, message.getBody().getOrDefault(StreamEntries.DATA, ""));
                }
            }
            if (page.size() < PAGE) {
                break;
            }
            before = "(" + page.get(page.size() - 1).getId();
            budget -= page.size();
        }
        int partitions = settings.partitions();
        return count == 0 ? null : new EventLog.TopicHistory(Cursor.single(partitions, partition.index(), last).id(),
                count, bytes, Cursor.single(partitions, partition.index(), oldest).id());
    }

    /** Entries of the epoch and topics from {@code start} (inclusive, or exclusive with '(') up to {@code end}. */
    private List<MergedDelivery.Read> read(RedisCommands<String, String> redis, Partition partition, String epoch,
                                           String start, String end, String[] topics) {
        List<MergedDelivery.Read> reads = new ArrayList<>();
        long nowMillis = System.currentTimeMillis();
        long nowNanos = System.nanoTime();
        String from = start;
        long budget = settings.streamMaxEvents() * 2 + PAGE;
        while (budget > 0) {
            List<StreamMessage<String, String>> page = redis.xrange(partition.streamKey(), Range.create(from, end),
                    Limit.from(PAGE));
            for (StreamMessage<String, String> message : page) {
                if (StreamEntries.problemWith(message.getBody()) == null && epoch.equals(StreamEntries.epochOf(message))
                        && RecentEntries.contains(topics, message.getBody().get(StreamEntries.TOPIC))) {
                    reads.add(StreamEntries.toRead(message, epoch, nowMillis, nowNanos));
                }
            }
            if (page.size() < PAGE) {
                break;
            }
            from = "(" + page.get(page.size() - 1).getId();
            budget -= page.size();
        }
        return reads;
    }

    /**
     * Whether continuing after {@code from} could miss an entry: the position is older than the oldest entry
     * retained (trimming removed it and maybe more), or XDEL removed an entry after it. An empty stream retains
     * nothing after its last generated id.
     */
    private static boolean trimmedAfter(Retained retained, RedisPosition from) {
        if (retained.length == 0) {
            return retained.lastGeneratedId != null && after(retained.lastGeneratedId, from);
        }
        return (retained.firstId != null && after(retained.firstId, from))
                || (retained.maxDeletedId != null && after(retained.maxDeletedId, from));
    }

    private static boolean after(String streamId, RedisPosition from) {
        return RedisPosition.ofStreamId(from.epoch(), streamId).compareTo(from) > 0;
    }

    /** Null when the stream does not exist. */
    private static Retained retained(RedisCommands<String, String> redis, Partition partition) {
        List<Object> info;
        try {
            info = redis.xinfoStream(partition.streamKey());
        } catch (RedisCommandExecutionException e) {
            if (String.valueOf(e.getMessage()).contains("no such key")) {
                return null;
            }
            throw e;
        }
        long length = 0;
        String first = null;
        String maxDeleted = null;
        String lastGenerated = null;
        for (int i = 0; i + 1 < info.size(); i += 2) {
            String field = String.valueOf(info.get(i));
            Object value = info.get(i + 1);
            if (field.equals("length")) {
                length = Long.parseLong(String.valueOf(value));
            } else if (field.equals("last-generated-id")) {
                lastGenerated = String.valueOf(value);
            } else if (field.equals("max-deleted-entry-id")) {
                maxDeleted = String.valueOf(value);
            } else if (field.equals("recorded-first-entry-id")) {
                first = String.valueOf(value);
            } else if (field.equals("first-entry") && first == null && value instanceof List<?> entry && !entry.isEmpty()) {
                first = String.valueOf(entry.get(0));
            }
        }
        return new Retained(length, first, maxDeleted, lastGenerated);
    }
}
