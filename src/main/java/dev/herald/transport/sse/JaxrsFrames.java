package dev.herald.transport.sse;

import dev.herald.hub.Event;
import dev.herald.hub.FrameFormat;
import dev.herald.hub.Signal;
import dev.herald.transport.SignalJson;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import java.util.concurrent.ThreadLocalRandom;

/** OutboundSseEvent encodings for the JAX-RS engine; events are built once and shared by every sink. */
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
            return sse.newEventBuilder().id(event.id()).name(event.topic())
                    .mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, event.data()).build();
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

    private OutboundSseEvent named(String name, String json) {
        return sse.newEventBuilder().name(name).mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, json).build();
    }

    /** Jittered reconnection delay plus a comment, so headers go out at once. */
    OutboundSseEvent preamble(long retryMillis) {
        long jittered = retryMillis / 2 + ThreadLocalRandom.current().nextLong(retryMillis + 1);
        return sse.newEventBuilder().reconnectDelay(jittered).comment("connected").data(String.class, "").build();
    }
}
