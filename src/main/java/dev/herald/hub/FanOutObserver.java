package dev.herald.hub;

/**
 * Told about fan-outs, for tracing. Called on the delivering thread outside every lock that subscribe,
 * close or a metrics read takes; implementations must be quick and must not call back into the hub.
 */
public interface FanOutObserver {
    /**
     * The event was offered to the subscribers of one writer lane (its slice of the topic's subscribers).
     * Lanes are offered one after another; a fan-out is done after the last.
     */
    default void sliceOffered(Event event, int lane, int offered) {
    }

    /**
     * @param subscribers subscribers of the event's topic on this node
     * @param overflows   subscribers whose full queue made the policy drop, conflate or disconnect
     */
    void fannedOut(Event event, int subscribers, int overflows, long startNanos, long endNanos);

    FanOutObserver NONE = (event, subscribers, overflows, startNanos, endNanos) -> { };
}
