package dev.herald.transport.ws;

import dev.herald.HeraldRuntime;
import jakarta.servlet.ServletContext;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.List;

/** Registers {@code /ws/events} with a configurator that hands every session the same endpoint instance. */
public final class WsRegistration {
    private WsRegistration() {
    }

    public static void register(ServletContext context, HeraldRuntime runtime) {
        ServerContainer container = (ServerContainer) context.getAttribute(ServerContainer.class.getName());
        if (container == null) {
            throw new IllegalStateException("this server offers no Jakarta WebSocket container");
        }
        WsEndpoint endpoint = new WsEndpoint(runtime);
        ServerEndpointConfig config = ServerEndpointConfig.Builder.create(WsEndpoint.class, "/ws/events")
                // clients that ask for no subprotocol are accepted as herald.v1
                .subprotocols(List.of("herald.v1"))
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> endpointClass) {
                        return endpointClass.cast(endpoint);
                    }

                    @Override
                    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request,
                                                HandshakeResponse response) {
                        // the 101 names the node too (a servlet filter may not reach the upgrade's headers)
                        response.getHeaders().put("X-Herald-Node", List.of(runtime.config().nodeId()));
                        // per connection (Jakarta WebSocket 2.1): they become the session's user properties
                        sec.getUserProperties().put(WsHandshake.KEY, WsHandshake.of(request.getHeaders(),
                                runtime.access().settings().cookie()));
                    }
                }).build();
        try {
            container.addEndpoint(config);
        } catch (DeploymentException e) {
            throw new IllegalStateException("cannot register /ws/events", e);
        }
    }
}
