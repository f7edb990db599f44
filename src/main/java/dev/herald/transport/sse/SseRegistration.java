package dev.herald.transport.sse;

import dev.herald.HeraldRuntime;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;

/** Maps the servlet engine at the exact path {@code /api/events}, which wins over the JAX-RS {@code /api/*}. */
public final class SseRegistration {
    private SseRegistration() {
    }

    public static void register(ServletContext context, HeraldRuntime runtime) {
        ServletRegistration.Dynamic servlet = context.addServlet("herald-sse", new SseServlet(runtime));
        servlet.setAsyncSupported(true);
        servlet.addMapping("/api/events");
    }
}
