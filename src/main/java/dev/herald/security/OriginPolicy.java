package dev.herald.security;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which web pages may use Herald from a browser: the origins of herald.allowed-origins ({@code *}: any, which
 * must be asked for), or — when that is empty — only pages of Herald's own origin. Decides WebSocket handshakes (cross-site WebSocket
 * hijacking), CORS answers, and publishes authenticated by cookie (CSRF).
 */
public final class OriginPolicy {
    private final List<String> allowed;
    private final boolean allowMissing;

    public OriginPolicy(SecuritySettings settings) {
        this.allowed = settings.allowedOrigins();
        this.allowMissing = settings.allowMissingOrigin();
    }

    /**
     * Whether a request with this {@code Origin} (null: none, a non-browser client) to this {@code Host} may
     * proceed. Same-origin compares the origin's host and port with the Host header.
     */
    public boolean allows(String origin, String host) {
        if (origin == null) {
            return allowMissing;
        }
        return listed(origin) || sameOrigin(origin, host);
    }

    /** A browser request carrying a cookie credential: an Origin is required, and it must be allowed. */
    public boolean allowsCredentialedBrowserRequest(String origin, String host) {
        return origin != null && (listed(origin) || sameOrigin(origin, host));
    }

    /** Whether CORS may name this origin in Access-Control-Allow-Origin: only listed origins. */
    public boolean listed(String origin) {
        return origin != null && (allowed.contains("*") || allowed.contains(origin.toLowerCase(Locale.ROOT)));
    }

    private static boolean sameOrigin(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            if (uri.getHost() == null) {
                return false;
            }
            String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return authority.equalsIgnoreCase(host) || authority.equalsIgnoreCase(withoutDefaultPort(host, uri));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** "example.com:443" for an https origin is "example.com". */
    private static String withoutDefaultPort(String host, URI origin) {
        String defaultPort = "https".equalsIgnoreCase(origin.getScheme()) ? ":443" : ":80";
        return host.endsWith(defaultPort) ? host.substring(0, host.length() - defaultPort.length()) : host;
    }
}
