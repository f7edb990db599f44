package dev.herald.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** One jboss-cli.sh command against a running WildFly's management port (deploy, undeploy, ...). */
final class WildFlyCli {
    private WildFlyCli() {
    }

    static String run(HeraldServer server, String command) {
        if (!server.onWildFlyRuntime()) {
            throw new IllegalArgumentException("not a WildFly server");
        }
        Path home = Path.of(System.getProperty("wildfly.home", "target/wildfly/wildfly-39.0.1.Final")).toAbsolutePath();
        try {
            ProcessBuilder builder = new ProcessBuilder("sh", home.resolve("bin/jboss-cli.sh").toString(), "--connect",
                    "--controller=127.0.0.1:" + server.managementPort(), "--command=" + command)
                    .redirectErrorStream(true);
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process cli = builder.start();
            String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!cli.waitFor(120, TimeUnit.SECONDS) || cli.exitValue() != 0) {
                throw new IllegalStateException("jboss-cli " + command + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
