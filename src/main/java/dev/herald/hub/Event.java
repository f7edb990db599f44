package dev.herald.hub;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One published event. Immutable apart from its encoded frames, which each transport computes once and
 * every subscriber of that transport then shares: fan-out never encodes per subscriber.
 */
public final class Event {
    /** Frame slots, one per wire format; see {@link FrameFormat}. */
    static final int FRAME_SLOTS = 4;

    private final long sequence;
    private final Position position;
    private final String id;
    private final String topic;
    private final String data;
    private final int sizeBytes;
    private final String conflationKey;
    private final String traceParent;
    private final long publishedNanos;
    private final long publishedMillis;
    private final AtomicReferenceArray<Object> frames = new AtomicReferenceArray<>(FRAME_SLOTS);

    /**
     * Made by an {@link EventLog}: {@code sequence} is this node's delivery order (see the log's contract),
     * {@code position} the log's own place of the event.
     */
    public Event(long sequence, Position position, String topic, String data, String conflationKey,
                 String traceParent, long publishedNanos, long publishedMillis) {
        this.sequence = sequence;
        this.position = position;
        this.id = position.id();
        this.topic = topic;
        this.data = data;
        this.sizeBytes = sizeOf(topic, data);
        this.conflationKey = conflationKey;
        this.traceParent = traceParent;
        this.publishedNanos = publishedNanos;
        this.publishedMillis = publishedMillis;
    }

    /** What an event costs in queues and history: the data's UTF-8 length plus id and topic overhead. */
    public static int sizeOf(String topic, String data) {
        return utf8Length(data) + topic.length() + 24;
    }

    /** UTF-8 length counted without encoding (the publish path already encoded the body once). */
    static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** This node's delivery order: increasing across all topics. */
    public long sequence() { return sequence; }
    public Position position() { return position; }
    public String id() { return id; }
    public String topic() { return topic; }
    /** The published JSON text, verbatim. */
    public String data() { return data; }
    /** Bytes the event costs in queues and history (the data's UTF-8 length plus id and topic). */
    public int sizeBytes() { return sizeBytes; }
    /** Value of the topic's conflation key in this event, or null. */
    public String conflationKey() { return conflationKey; }
    /** W3C traceparent of the publish, or null. */
    public String traceParent() { return traceParent; }
    /** {@link System#nanoTime()} when the publish was accepted; delivery latency is measured from it. */
    public long publishedNanos() { return publishedNanos; }
    public long publishedMillis() { return publishedMillis; }

    /** The event encoded in the given wire format, computed at most once per format in practice. */
    @SuppressWarnings("unchecked")
    public <T> T frame(FrameFormat<T> format) {
        Object frame = frames.get(format.slot());
        if (frame == null) {
            frame = format.encode(this);
            if (!frames.compareAndSet(format.slot(), null, frame)) {
                frame = frames.get(format.slot());
            }
        }
        return (T) frame;
    }
}
