package dev.herald.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One jboss-cli.sh command against a running WildFly's management port (deploy, undeploy, ...). */
final class WildFlyCli {
    private WildFlyCli() {
    }

    static String run(HeraldServer server, String command) {
        if (!server.onWildFlyRuntime()) {
            throw new IllegalArgumentException("not a WildFly server");
        }
        Path home = Path.of(System.getProperty("wildfly.home", "target/wildfly/wildfly-39.0.1.Final")).toAbsolutePath();
        return Processes.run(List.of("sh", home.resolve("bin/jboss-cli.sh").toString(), "--connect",
                        "--controller=127.0.0.1:" + server.managementPort(), "--command=" + command),
                Map.of("JAVA_HOME", System.getProperty("java.home")), Duration.ofSeconds(120));
    }
}
