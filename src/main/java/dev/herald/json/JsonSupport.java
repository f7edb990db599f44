package dev.herald.json;

import jakarta.json.spi.JsonProvider;

/**
 * The JSON-P provider, looked up once: {@code jakarta.json.JSON.create*} runs a ServiceLoader lookup on
 * every call (on Payara a class-path scan), far too slow per request or per signal.
 */
public final class JsonSupport {
    public static final JsonProvider JSON = JsonProvider.provider();

    /**
     * Deepest nesting of arrays and objects Herald accepts from clients (events, WebSocket messages). JSON-P
     * builds nested values recursively, so a few hundred levels overflow a container thread's stack (the
     * servers run with -Xss256k), and Parsson refuses more than 1000 with a plain RuntimeException.
     */
    public static final int MAX_DEPTH = 100;

    private JsonSupport() {
    }

    /** A client-facing error body: {@code {"error":reason,"message":…}}. */
    public static String error(String reason, String message) {
        return JSON.createObjectBuilder().add("error", reason).add("message", message).build().toString();
    }

    /**
     * Whether the text opens more than {@link #MAX_DEPTH} arrays or objects at once (brackets inside strings
     * do not count). A scan of the characters, no parsing, no recursion: it runs before JSON-P sees the text.
     */
    public static boolean nestedTooDeeply(CharSequence text) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                if (++depth > MAX_DEPTH) {
                    return true;
                }
            } else if (c == ']' || c == '}') {
                depth--;
            }
        }
        return false;
    }
}
