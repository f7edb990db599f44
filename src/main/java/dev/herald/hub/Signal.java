package dev.herald.hub;

import java.util.List;

/** Out-of-band messages a subscriber receives in order with its events. */
public sealed interface Signal {
    /** The subscription is live for these topics (first frame of a WebSocket, and after each subscribe). */
    record Subscribed(List<String> topics) implements Signal {
    }

    /** History could not continue from the client's position: what follows is everything retained. */
    record Reset(List<String> topics, String oldest) implements Signal {
    }

    /** {@code count} events of {@code topic} were dropped at this point of the stream. */
    record Dropped(String topic, long count) implements Signal {
    }

    /**
     * A message for this one client, in stream order with its events: a WebSocket transport's answers to the
     * client's own requests (publish acknowledgements, token renewals). The JSON text is sent as it is.
     */
    record Reply(String json) implements Signal {
    }

    /** Keeps intermediaries from timing the connection out and reveals dead peers on the next write. */
    record Heartbeat() implements Signal {
    }

    Heartbeat HEARTBEAT = new Heartbeat();
}
