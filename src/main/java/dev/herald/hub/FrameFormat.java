package dev.herald.hub;

/** A wire encoding of events shared by all subscribers of one transport. */
public interface FrameFormat<T> {
    /** Slot in the event's frame cache: each format uses a distinct one below {@link Event#FRAME_SLOTS}. */
    int slot();

    T encode(Event event);
}
