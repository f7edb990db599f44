package dev.herald.transport;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.ws.rs.core.MediaType;

import java.io.IOException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;

/**
 * A Content-Type that is no media type at all ({@code json}, {@code ;;;}, {@code a/b/c}) makes JAX-RS answer
 * 400 with the container's HTML error page before the publish API runs: Jersey while routing, RESTEasy while
 * reading the request's headers, both before any JAX-RS filter. This servlet filter shows the publish API such
 * a request with {@code application/octet-stream} instead, so it gets README's answer: 415
 * unsupported-media-type in JSON, after the token check, counted.
 */
public final class ContentTypeFilter implements Filter {
    private static final String REPLACEMENT = MediaType.APPLICATION_OCTET_STREAM;

    static void register(ServletContext context) {
        FilterRegistration.Dynamic filter = context.addFilter("herald-content-type", new ContentTypeFilter());
        filter.setAsyncSupported(true);
        filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/api/topics/*");
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && http.getContentType() != null && !parses(http.getContentType())) {
            chain.doFilter(new OctetStream(http), response);
        } else {
            chain.doFilter(request, response);
        }
    }

    private static boolean parses(String type) {
        try {
            MediaType.valueOf(type);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static final class OctetStream extends HttpServletRequestWrapper {
        OctetStream(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getContentType() {
            return REPLACEMENT;
        }

        @Override
        public String getHeader(String name) {
            return "Content-Type".equalsIgnoreCase(name) ? REPLACEMENT : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return "Content-Type".equalsIgnoreCase(name) ? Collections.enumeration(java.util.List.of(REPLACEMENT))
                    : super.getHeaders(name);
        }
    }
}
