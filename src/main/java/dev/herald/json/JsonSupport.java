package dev.herald.json;

import jakarta.json.spi.JsonProvider;

/**
 * The JSON-P provider, looked up once: {@code jakarta.json.JSON.create*} runs a ServiceLoader lookup on
 * every call (on Payara a class-path scan), far too slow per request or per signal.
 */
public final class JsonSupport {
    public static final JsonProvider JSON = JsonProvider.provider();

    private JsonSupport() {
    }

    /** A client-facing error body: {@code {"error":reason,"message":…}}. */
    public static String error(String reason, String message) {
        return JSON.createObjectBuilder().add("error", reason).add("message", message).build().toString();
    }
}
