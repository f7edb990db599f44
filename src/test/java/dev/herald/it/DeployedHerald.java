package dev.herald.it;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;

/**
 * A test class running against the Herald that Arquillian deployed for it: each subclass declares its own
 * {@code @Deployment(testable = false)} (usually {@link HeraldDeployment}), and the contracts (interfaces
 * with test methods) that several classes share reach the server through {@link #server()}.
 */
@ExtendWith(ArquillianExtension.class)
abstract class DeployedHerald {
    @ArquillianResource
    URL base;

    /** The server of this class's deployment. */
    public HeraldServer server() {
        return HeraldDeployment.server(base);
    }

    /** herald.sse.engine of the deployment, for messages. */
    public abstract String engine();
}
