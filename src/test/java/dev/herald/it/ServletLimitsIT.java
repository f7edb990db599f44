package dev.herald.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;

/** Node limits with the servlet SSE engine (and WebSocket). */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ServletLimitsIT implements LimitsContract {
    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return LimitsContract.deployment("servlet");
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
