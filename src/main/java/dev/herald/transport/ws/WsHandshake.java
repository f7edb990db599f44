package dev.herald.transport.ws;

import dev.herald.transport.ClientAddress;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the WebSocket handshake carried that the session needs later: the credentials (a browser sends its
 * cookies with the upgrade; it cannot set Authorization) and the client address the admission filter found.
 * Kept in the session's user properties.
 */
record WsHandshake(String authorization, String cookieToken, String clientAddress) {
    static final String KEY = "herald.handshake";
    static final WsHandshake NONE = new WsHandshake(null, null, null);

    static WsHandshake of(Map<String, List<String>> headers, String cookieName) {
        // header names are case-insensitive; the containers differ in how they store them
        Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        return new WsHandshake(first(byName.get("Authorization")), cookie(byName.get("Cookie"), cookieName),
                first(byName.get(ClientAddress.HANDSHAKE_HEADER)));
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The value of one cookie in Cookie headers ({@code a=1; b=2}). */
    static String cookie(List<String> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (String header : headers) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                    String value = pair.substring(eq + 1).trim();
                    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                            ? value.substring(1, value.length() - 1) : value;
                }
            }
        }
        return null;
    }
}
