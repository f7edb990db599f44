package dev.herald.transport;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.EnumSet;

/**
 * Every response names the node that served it ({@code X-Herald-Node}: herald.node-id), so users behind a
 * load balancer, and the tests, can see where a stream or a publish landed. Set before the chain runs, so it
 * is on SSE streams and error answers alike.
 */
public final class NodeHeaderFilter implements Filter {
    public static final String HEADER = "X-Herald-Node";

    private final String nodeId;

    private NodeHeaderFilter(String nodeId) {
        this.nodeId = nodeId;
    }

    static void register(ServletContext context, String nodeId) {
        FilterRegistration.Dynamic filter = context.addFilter("herald-node-header", new NodeHeaderFilter(nodeId));
        filter.setAsyncSupported(true);
        filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (response instanceof HttpServletResponse http) {
            http.setHeader(HEADER, nodeId);
        }
        chain.doFilter(request, response);
    }
}
