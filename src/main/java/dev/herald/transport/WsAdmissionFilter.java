package dev.herald.transport;

import dev.herald.HeraldRuntime;
import dev.herald.security.AuthException;
import jakarta.inject.Inject;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Admits WebSocket handshakes. It hands the client address (see {@link ClientAddress}) on to the handshake, and
 * refuses handshakes from a web page of another origin are refused with 403 before the upgrade (cross-site
 * WebSocket hijacking: a browser sends the user's cookies with any page's handshake). Allowed: the origins of
 * herald.allowed-origins, else Herald's own origin; requests without Origin (non-browser clients) unless
 * herald.allow-missing-origin=false. Declared (not registered by code) so that it runs before the container's
 * WebSocket upgrade filter.
 */
@WebFilter(urlPatterns = "/ws/*", asyncSupported = true)
public class WsAdmissionFilter implements Filter {
    @Inject
    HeraldRuntime runtime;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        String origin = http.getHeader("Origin");
        if (runtime.access().origins().allows(origin, http.getHeader("Host"))) {
            chain.doFilter(ClientAddress.withHandshakeHeader(http,
                    ClientAddress.of(http, runtime.config().limits().addresses())), response);
            return;
        }
        runtime.metrics().requestRejected("ws", AuthException.FORBIDDEN_ORIGIN);
        HttpErrors.write((HttpServletResponse) response, 403, AuthException.FORBIDDEN_ORIGIN, origin == null
                ? "a request without Origin (herald.allow-missing-origin=false)"
                : "origin " + origin + " is not allowed (herald.allowed-origins)");
    }
}
