package dev.herald.observability;

import dev.herald.hub.FanOutObserver;

/**
 * Spans for publish and fan-out, behind a small interface so only this package knows OpenTelemetry.
 * The publish span's W3C traceparent travels with the event, so fan-out (here or, with a backplane, on
 * another node) becomes its child.
 */
public interface Tracing {
    /** Starts the publish span, a child of the caller's trace if {@code traceParent} carries one. */
    PublishTrace startPublish(String topic, String traceParent);

    /** Creates a fan-out span for each event that carries a trace context. */
    FanOutObserver fanOutObserver();

    interface PublishTrace extends AutoCloseable {
        /** The traceparent to store with the event, or null when this publish is not traced. */
        String traceParent();

        /** Leaves the span current no longer on this thread; the span stays open until {@link #close()}. */
        void detach();

        void published(String eventId);

        void failed(String reason);

        @Override
        void close();
    }

    PublishTrace UNTRACED = new PublishTrace() {
        @Override public String traceParent() { return null; }
        @Override public void detach() { }
        @Override public void published(String eventId) { }
        @Override public void failed(String reason) { }
        @Override public void close() { }
    };

    Tracing NONE = new Tracing() {
        @Override
        public PublishTrace startPublish(String topic, String traceParent) {
            return UNTRACED;
        }

        @Override
        public FanOutObserver fanOutObserver() {
            return FanOutObserver.NONE;
        }
    };
}
