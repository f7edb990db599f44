package dev.herald.transport.sse;

import dev.herald.hub.CloseReason;
import dev.herald.hub.Event;
import dev.herald.hub.FrameFormat;
import dev.herald.hub.Signal;
import dev.herald.transport.SignalJson;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * OutboundSseEvent encodings for the JAX-RS engine; an event's frame is built once and shared by every sink
 * (and carries the event, so a broadcast group's member sinks can queue it under the topic's policy).
 */
final class JaxrsFrames {
    private final Sse sse;
    private final OutboundSseEvent heartbeat;
    private final FrameFormat<OutboundSseEvent> eventFormat = new FrameFormat<>() {
        @Override
        public int slot() {
            return 2;
        }

        @Override
        public OutboundSseEvent encode(Event event) {
            return new EventFrame(event);
        }
    };

    JaxrsFrames(Sse sse) {
        this.sse = sse;
        this.heartbeat = sse.newEventBuilder().comment("keepalive").build();
    }

    FrameFormat<OutboundSseEvent> eventFormat() {
        return eventFormat;
    }

    OutboundSseEvent signal(Signal signal) {
        if (signal instanceof Signal.Reset reset) {
            return named("herald.reset", SignalJson.reset(reset, null));
        }
        if (signal instanceof Signal.Dropped dropped) {
            return named("herald.dropped", SignalJson.dropped(dropped, null));
        }
        if (signal instanceof Signal.Subscribed subscribed) {
            return sse.newEventBuilder().comment("subscribed " + String.join(",", subscribed.topics())).build();
        }
        return heartbeat;
    }

    /** The last event of a stream the server ends for this reason, or null (see {@link SseFrames#closing}). */
    OutboundSseEvent closing(CloseReason reason, long retryMillis) {
        if (reason.announced()) {
            return named("herald.closed", SseFrames.closedJson(reason));
        }
        return reason == CloseReason.SHUTDOWN ? new RetryHint(SseFrames.jittered(retryMillis), "shutdown") : null;
    }

    private OutboundSseEvent named(String name, String json) {
        return sse.newEventBuilder().name(name).mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, json).build();
    }

    /**
     * Jittered reconnection delay plus a comment, so headers go out at once. Both runtimes write a {@code retry:}
     * field only for an event with a data type, and no {@code data:} line may follow (EventSource would
     * dispatch a stray "message" event): RESTEasy (WildFly) writes one whenever the data is not null, even
     * empty; Jersey (Payara) whenever the type's writer writes a byte. So: type {@link NoData}, data null, and
     * {@link NoDataWriter} writes nothing.
     */
    OutboundSseEvent preamble(long retryMillis) {
        return new RetryHint(SseFrames.jittered(retryMillis), "connected");
    }

    /** The preamble's payload type: no value, no bytes. */
    static final class NoData {
        private NoData() {
        }
    }

    /** Writes nothing, for the preamble's {@link NoData} type. */
    @Provider
    @Produces(MediaType.WILDCARD)
    public static final class NoDataWriter implements MessageBodyWriter<NoData> {
        @Override
        public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
            return type == NoData.class;
        }

        @Override
        public void writeTo(NoData nothing, Class<?> type, Type genericType, Annotation[] annotations,
                            MediaType mediaType, MultivaluedMap<String, Object> headers, OutputStream out) {
            // no data line
        }
    }

    /** An event as the runtime writes it: id, the topic as event name, and the JSON as text data. */
    record EventFrame(Event event) implements OutboundSseEvent {
        @Override
        public String getId() {
            return event.id();
        }

        @Override
        public String getName() {
            return event.topic();
        }

        @Override
        public String getComment() {
            return null;
        }

        @Override
        public long getReconnectDelay() {
            return RECONNECT_NOT_SET;
        }

        @Override
        public boolean isReconnectDelaySet() {
            return false;
        }

        @Override
        public Class<?> getType() {
            return String.class;
        }

        @Override
        public Type getGenericType() {
            return String.class;
        }

        @Override
        public MediaType getMediaType() {
            return MediaType.TEXT_PLAIN_TYPE;
        }

        @Override
        public Object getData() {
            return event.data();
        }
    }

    /** A comment and a retry field, without data. */
    private record RetryHint(long getReconnectDelay, String getComment) implements OutboundSseEvent {
        @Override
        public Class<?> getType() {
            return NoData.class;
        }

        @Override
        public Type getGenericType() {
            return NoData.class;
        }

        @Override
        public MediaType getMediaType() {
            return MediaType.TEXT_PLAIN_TYPE;
        }

        @Override
        public Object getData() {
            return null;
        }

        @Override
        public String getId() {
            return null;
        }

        @Override
        public String getName() {
            return null;
        }

        @Override
        public boolean isReconnectDelaySet() {
            return true;
        }
    }
}
