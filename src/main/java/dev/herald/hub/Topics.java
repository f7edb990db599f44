package dev.herald.hub;

import java.util.Set;
import java.util.regex.Pattern;

/** Topic name rules shared by every entry point. */
public final class Topics {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    /** Names that collide with EventSource's own event types. */
    private static final Set<String> RESERVED = Set.of("message", "error", "open");
    private static final String RESERVED_PREFIX = "herald.";

    private Topics() {
    }

    /** Returns null if the name is acceptable, otherwise why not. */
    public static String problemWith(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return "topic names match [A-Za-z0-9._-]{1,128}";
        }
        if (RESERVED.contains(name) || name.startsWith(RESERVED_PREFIX)) {
            return "topic name '" + name + "' is reserved (message, error, open and the prefix herald.)";
        }
        return null;
    }
}
