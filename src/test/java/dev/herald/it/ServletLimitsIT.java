package dev.herald.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** Node limits with the servlet SSE engine (and WebSocket). */
class ServletLimitsIT extends DeployedHerald implements LimitsContract {
    @Deployment(testable = false)
    static WebArchive deployment() {
        return LimitsContract.deployment("servlet");
    }

    @Override
    public String engine() {
        return "servlet";
    }
}
