package dev.herald.transport.ws;

import dev.herald.hub.Event;
import dev.herald.hub.FrameFormat;
import dev.herald.hub.Signal;
import dev.herald.transport.SignalJson;

/** WebSocket text frames: {"id":…,"topic":…,"data":<published JSON>}, one shared String per event. */
final class WsFrames {
    static final FrameFormat<String> EVENT = new FrameFormat<>() {
        @Override
        public int slot() {
            return 1;
        }

        @Override
        public String encode(Event event) {
            // id and topic are restricted to characters that need no JSON escaping; data is JSON already
            return new StringBuilder(event.data().length() + event.topic().length() + 40)
                    .append("{\"id\":\"").append(event.id())
                    .append("\",\"topic\":\"").append(event.topic())
                    .append("\",\"data\":").append(event.data()).append('}').toString();
        }
    };

    private WsFrames() {
    }

    static String signal(Signal signal) {
        if (signal instanceof Signal.Reset reset) {
            return SignalJson.reset(reset, "reset");
        }
        if (signal instanceof Signal.Dropped dropped) {
            return SignalJson.dropped(dropped, "dropped");
        }
        if (signal instanceof Signal.Subscribed subscribed) {
            return SignalJson.subscribed(subscribed, "subscribed");
        }
        if (signal instanceof Signal.Reply reply) {
            return reply.json();
        }
        throw new IllegalArgumentException("heartbeats are WebSocket pings, not text frames");
    }
}
