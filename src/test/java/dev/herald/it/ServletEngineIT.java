package dev.herald.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.util.stream.Stream;

/** The servlet SSE engine (the default) and WebSocket: delivery, slow consumers, SSE responses. */
class ServletEngineIT extends DeployedHerald implements DeliveryContract, SlowConsumerContract, SseEngineContract {
    @Deployment(testable = false)
    static WebArchive deployment() {
        return HeraldDeployment.common("servlet");
    }

    /** The transports the contracts' parameterized tests run on. */
    static Stream<Transport> transports() {
        return Stream.of(Transport.SSE, Transport.WS);
    }

    @Override
    public String engine() {
        return "servlet";
    }
}
