package dev.herald.transport;

import dev.herald.HeraldRuntime;
import dev.herald.config.HeraldConfig;
import dev.herald.transport.sse.SseRegistration;
import dev.herald.transport.ws.WsRegistration;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/** Wires the transports into the web application when it starts. */
@WebListener
public class TransportRegistration implements ServletContextListener {
    @Inject
    HeraldRuntime runtime;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        NodeHeaderFilter.register(event.getServletContext(), runtime.config().nodeId());
        ContentTypeFilter.register(event.getServletContext());
        if (runtime.config().sseEngine() == HeraldConfig.SseEngine.SERVLET) {
            SseRegistration.register(event.getServletContext(), runtime);
        }
        WsRegistration.register(event.getServletContext(), runtime);
    }
}
