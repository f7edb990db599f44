package dev.herald.hub;

import dev.herald.log.MemoryEventLog;

import java.util.concurrent.CompletionStage;

/** A log that does what its in-memory log does; tests override the one call they need to hold or watch. */
class DelegatingEventLog implements EventLog {
    final MemoryEventLog memory;

    DelegatingEventLog(MemoryEventLog memory) {
        this.memory = memory;
    }

    @Override public CompletionStage<Position> append(Append append) { return memory.append(append); }
    @Override public Replay readAfter(Position after, String[] topics) { return memory.readAfter(after, topics); }
    @Override public void deliverTo(Listener listener) { memory.deliverTo(listener); }
    @Override public Position position(String text) { return memory.position(text); }
    @Override public boolean up() { return memory.up(); }
    @Override public TopicHistory describe(String topic) { return memory.describe(topic); }
    @Override public boolean tracks(String topic) { return memory.tracks(topic); }
    @Override public long retainedEvents() { return memory.retainedEvents(); }
    @Override public long retainedBytes() { return memory.retainedBytes(); }
    @Override public int topicCount() { return memory.topicCount(); }
    @Override public void close() { memory.close(); }
}
