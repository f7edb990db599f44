package dev.herald.transport;

import dev.herald.hub.Signal;
import static dev.herald.json.JsonSupport.JSON;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;

/** JSON bodies of Herald's signals, the same on every transport (WebSocket adds a "type" member). */
public final class SignalJson {
    private SignalJson() {
    }

    public static String reset(Signal.Reset reset, String type) {
        JsonArrayBuilder topics = JSON.createArrayBuilder();
        reset.topics().forEach(topics::add);
        JsonObjectBuilder body = typed(type).add("topics", topics);
        if (reset.oldest() == null) {
            body.addNull("oldest");
        } else {
            body.add("oldest", reset.oldest());
        }
        return body.build().toString();
    }

    public static String subscribed(Signal.Subscribed subscribed, String type) {
        JsonArrayBuilder topics = JSON.createArrayBuilder();
        subscribed.topics().forEach(topics::add);
        return typed(type).add("topics", topics).build().toString();
    }

    public static String dropped(Signal.Dropped dropped, String type) {
        return typed(type).add("topic", dropped.topic()).add("count", dropped.count()).build().toString();
    }

    private static JsonObjectBuilder typed(String type) {
        JsonObjectBuilder builder = JSON.createObjectBuilder();
        return type == null ? builder : builder.add("type", type);
    }
}
