package dev.herald.transport.sse;

import dev.herald.hub.CloseReason;
import dev.herald.json.JsonSupport;
import dev.herald.hub.Event;
import dev.herald.hub.FrameFormat;
import dev.herald.hub.Signal;
import dev.herald.transport.SignalJson;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** The text/event-stream encoding: one shared byte frame per event for every SSE subscriber. */
public final class SseFrames {
    public static final FrameFormat<byte[]> EVENT = new FrameFormat<>() {
        @Override
        public int slot() {
            return 0;
        }

        @Override
        public byte[] encode(Event event) {
            StringBuilder frame = new StringBuilder(event.data().length() + event.topic().length() + 40);
            frame.append("id: ").append(event.id()).append("\nevent: ").append(event.topic()).append('\n');
            appendData(frame, event.data());
            return frame.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        }
    };

    public static final byte[] HEARTBEAT = ": keepalive\n\n".getBytes(StandardCharsets.US_ASCII);

    private SseFrames() {
    }

    /** JSON may span lines; each line becomes its own data: field, which EventSource joins with \n again. */
    static void appendData(StringBuilder frame, String data) {
        int start = 0;
        int length = data.length();
        for (int i = 0; i < length; i++) {
            char c = data.charAt(i);
            if (c == '\n' || c == '\r') {
                frame.append("data: ").append(data, start, i).append('\n');
                if (c == '\r' && i + 1 < length && data.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        frame.append("data: ").append(data, start, length).append('\n');
    }

    public static byte[] signal(Signal signal) {
        if (signal instanceof Signal.Reset reset) {
            return named("herald.reset", SignalJson.reset(reset, null));
        }
        if (signal instanceof Signal.Dropped dropped) {
            return named("herald.dropped", SignalJson.dropped(dropped, null));
        }
        if (signal instanceof Signal.Subscribed subscribed) {
            // a comment: EventSource signals readiness with "open" already
            return (": subscribed " + String.join(",", subscribed.topics()) + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
        return HEARTBEAT;
    }

    /**
     * The last frame of a stream the server ends for this reason, or null when it ends without one. A node that
     * shuts down sends a fresh jittered reconnection delay, so its clients come back spread out, elsewhere.
     */
    public static byte[] closing(CloseReason reason, long retryMillis) {
        if (reason.announced()) {
            return named("herald.closed", closedJson(reason));
        }
        return reason == CloseReason.SHUTDOWN
                ? ("retry: " + jittered(retryMillis) + "\n: shutdown\n\n").getBytes(StandardCharsets.US_ASCII) : null;
    }

    /** Uniform in [retry/2, 3 retry/2]. */
    static long jittered(long retryMillis) {
        return retryMillis / 2 + ThreadLocalRandom.current().nextLong(retryMillis + 1);
    }

    static String closedJson(CloseReason reason) {
        return JsonSupport.JSON.createObjectBuilder().add("reason", reason.label()).build().toString();
    }

    private static byte[] named(String name, String json) {
        return ("event: " + name + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * First bytes of a stream: a jittered reconnection delay (so a restart does not bring every client back
     * in the same second) and a comment that pushes the headers out at once.
     */
    public static byte[] preamble(long retryMillis) {
        return ("retry: " + jittered(retryMillis) + "\n: connected\n\n").getBytes(StandardCharsets.US_ASCII);
    }
}
