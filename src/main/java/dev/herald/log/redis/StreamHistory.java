package dev.herald.log.redis;

import dev.herald.hub.Event;
import dev.herald.hub.EventLog;
import dev.herald.hub.Signal;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.util.ArrayList;
import java.util.List;

/**
 * History read from the stream itself, for resumes from further back than this node's ring and for topic
 * descriptions. Whether a position can be continued without a gap comes from {@code XINFO STREAM}'s
 * {@code max-deleted-entry-id} (Redis 7): when trimming removed anything after the position, the resume is
 * a reset. Retention is per stream, so a gap is reported for every topic of the request.
 */
final class StreamHistory {
    private static final int PAGE = 1_000;

    private final RedisSettings settings;
    private final RecentEntries ring;

    StreamHistory(RedisSettings settings, RecentEntries ring) {
        this.settings = settings;
        this.ring = ring;
    }

    /** What the stream retains and deleted, as far as a resume needs it (ids as Redis prints them). */
    private record Retained(long length, String firstId, String maxDeletedId, String lastGeneratedId) {
    }

    EventLog.Replay after(StatefulRedisConnection<String, String> connection, StreamEntries.Epoch epoch,
                          RedisPosition from, String[] topics) {
        RedisCommands<String, String> redis = connection.sync();
        Retained retained = retained(redis);
        if (retained == null || trimmedAfter(retained, from)) {
            return everything(connection, epoch, topics);
        }
        return new EventLog.Replay(null, read(redis, epoch, "(" + from.streamId(), topics));
    }

    /** Everything the stream retains of these topics, preceded by a reset for all of them. */
    EventLog.Replay everything(StatefulRedisConnection<String, String> connection, StreamEntries.Epoch epoch,
                               String[] topics) {
        RedisCommands<String, String> redis = connection.sync();
        Retained retained = retained(redis);
        List<Event> events = List.of();
        if (retained != null) {
            List<Event> recent = retained.firstId == null || retained.length == 0 ? null
                    : ring.allSince(RedisPosition.ofStreamId(epoch.name(), retained.firstId), topics);
            events = recent != null ? recent : read(redis, epoch, "-", topics);
        }
        String oldest = events.isEmpty() ? null : events.get(0).id();
        return new EventLog.Replay(new Signal.Reset(List.of(topics), oldest), events);
    }

    EventLog.TopicHistory describe(StatefulRedisConnection<String, String> connection, String topic) {
        RedisCommands<String, String> redis = connection.sync();
        String epoch = redis.hget(settings.metaKey(), "epoch");
        String last = null;
        String oldest = null;
        int count = 0;
        long bytes = 0;
        String before = "+";
        long budget = settings.streamMaxEvents() * 2 + PAGE;
        while (budget > 0) {
            List<StreamMessage<String, String>> page = redis.xrevrange(settings.streamKey(),
                    Range.create("-", before), Limit.from(PAGE));
            for (StreamMessage<String, String> message : page) {
                if (topic.equals(message.getBody().get(StreamEntries.TOPIC)) && epoch != null
                        && epoch.equals(StreamEntries.epochOf(message))) {
                    String id = RedisPosition.ofStreamId(epoch, message.getId()).id();
                    last = last == null ? id : last;
                    oldest = id;
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
        return count == 0 ? null : new EventLog.TopicHistory(last, count, bytes, oldest);
    }

    /** Entries of the epoch and topics from {@code start} (inclusive, or exclusive with '(') up to what this node read. */
    private List<Event> read(RedisCommands<String, String> redis, StreamEntries.Epoch epoch, String start,
                             String[] topics) {
        RedisPosition newest = ring.newest();
        String end = newest == null || !newest.epoch().equals(epoch.name()) ? "+" : newest.streamId();
        List<Event> events = new ArrayList<>();
        long nowMillis = System.currentTimeMillis();
        long nowNanos = System.nanoTime();
        String from = start;
        long budget = settings.streamMaxEvents() * 2 + PAGE;
        while (budget > 0) {
            List<StreamMessage<String, String>> page = redis.xrange(settings.streamKey(), Range.create(from, end),
                    Limit.from(PAGE));
            for (StreamMessage<String, String> message : page) {
                if (StreamEntries.problemWith(message.getBody()) == null
                        && epoch.name().equals(StreamEntries.epochOf(message))
                        && RecentEntries.contains(topics, message.getBody().get(StreamEntries.TOPIC))) {
                    events.add(StreamEntries.toEvent(message, epoch, nowMillis, nowNanos));
                }
            }
            if (page.size() < PAGE) {
                break;
            }
            from = "(" + page.get(page.size() - 1).getId();
            budget -= page.size();
        }
        return events;
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
    private Retained retained(RedisCommands<String, String> redis) {
        List<Object> info;
        try {
            info = redis.xinfoStream(settings.streamKey());
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
