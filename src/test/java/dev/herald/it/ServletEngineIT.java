package dev.herald.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.util.stream.Stream;

/** The servlet SSE engine (the default) and WebSocket: delivery, slow consumers, SSE responses. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ServletEngineIT implements DeliveryContract, SlowConsumerContract, SseEngineContract {
    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return HeraldDeployment.common("servlet");
    }

    /** The transports the contracts' parameterized tests run on. */
    static Stream<Transport> transports() {
        return Stream.of(Transport.SSE, Transport.WS);
    }

    @Override
    public HeraldServer server() {
        return HeraldDeployment.server(base);
    }

    @Override
    public String engine() {
        return "servlet";
    }
}
