package dev.herald.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** Node limits with the JAX-RS SSE engine (and WebSocket). */
class JaxrsLimitsIT extends DeployedHerald implements LimitsContract {
    @Deployment(testable = false)
    static WebArchive deployment() {
        return LimitsContract.deployment("jaxrs");
    }

    @Override
    public String engine() {
        return "jaxrs";
    }
}
