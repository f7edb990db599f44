package dev.herald.hub;

/**
 * Told about every fan-out once it is done, for tracing. Called under the hub's lock: implementations
 * must be quick and must not call back into the hub.
 */
public interface FanOutObserver {
    /**
     * @param subscribers subscribers of the event's topic on this node
     * @param overflows   subscribers whose full queue made the policy drop, conflate or disconnect
     */
    void fannedOut(Event event, int subscribers, int overflows, long startNanos, long endNanos);

    FanOutObserver NONE = (event, subscribers, overflows, startNanos, endNanos) -> { };
}
