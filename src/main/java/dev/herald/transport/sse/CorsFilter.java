package dev.herald.transport.sse;

import dev.herald.HeraldRuntime;
import dev.herald.transport.HttpErrors;
import dev.herald.security.AuthException;
import dev.herald.security.SecuritySettings;
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
 * CORS for the SSE stream, for the origins of herald.allowed-origins only: the exact origin echoed (never an
 * arbitrary one reflected; {@code *} only when the list is {@code *} and credentials are off), {@code Vary:
 * Origin}, credentials when herald.cors.allow-credentials=true, and a preflight allowing the headers an SSE
 * client sends. Other origins get no CORS headers (the browser keeps the stream from the page), and their
 * preflight a 403.
 */
@WebFilter(urlPatterns = "/api/events", asyncSupported = true)
public class CorsFilter implements Filter {
    private static final String ALLOWED_HEADERS = "Authorization, Last-Event-ID, Cache-Control";

    @Inject
    HeraldRuntime runtime;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        HttpServletResponse answer = (HttpServletResponse) response;
        String origin = http.getHeader("Origin");
        boolean preflight = "OPTIONS".equals(http.getMethod()) && http.getHeader("Access-Control-Request-Method") != null;
        if (origin != null) {
            answer.addHeader("Vary", "Origin");
        }
        if (origin != null && runtime.access().origins().listed(origin)) {
            SecuritySettings settings = runtime.access().settings();
            boolean credentials = settings.corsAllowCredentials();
            boolean wildcard = settings.allowedOrigins().contains("*");
            answer.setHeader("Access-Control-Allow-Origin", wildcard && !credentials ? "*" : origin);
            if (credentials) {
                answer.setHeader("Access-Control-Allow-Credentials", "true");
            }
            if (preflight) {
                answer.setHeader("Access-Control-Allow-Methods", "GET");
                answer.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
                answer.setHeader("Access-Control-Max-Age", "600");
                answer.setStatus(204);
                return;
            }
        } else if (preflight) {
            runtime.metrics().requestRejected("sse", AuthException.FORBIDDEN_ORIGIN);
            HttpErrors.write(answer, 403, AuthException.FORBIDDEN_ORIGIN, "origin " + origin
                    + " is not allowed (herald.allowed-origins)");
            return;
        }
        chain.doFilter(request, response);
    }
}
