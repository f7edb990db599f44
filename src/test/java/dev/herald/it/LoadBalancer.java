package dev.herald.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Debian's nginx as the load balancer over Herald nodes, configured from the repository's
 * nginx/templates/nginx.conf.template (the one the compose stack's nginx image fills in too), filled in here
 * as the image's envsubst does: plain HTTP and HTTPS + HTTP/2 (a self-signed certificate made by
 * nginx/make-cert.sh) on free loopback ports, everything in one work directory, run as the current user.
 */
public final class LoadBalancer implements AutoCloseable {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private final Process process;
    private final int port;
    private final int httpsPort;
    private final Path dir;

    private LoadBalancer(Process process, int port, int httpsPort, Path dir) {
        this.process = process;
        this.port = port;
        this.httpsPort = httpsPort;
        this.dir = dir;
    }

    public static LoadBalancer start(Path workDir, List<HeraldServer> nodes) {
        try {
            Path dir = Files.createDirectories(workDir).toAbsolutePath();
            Path certs = dir.resolve("certs");
            run(dir, "sh", Path.of(System.getProperty("herald.nginx.dir", "nginx"), "make-cert.sh").toString(),
                    certs.toString());
            int port = freePort();
            int httpsPort = freePort();
            String upstreams = nodes.stream()
                    .map(node -> "server 127.0.0.1:" + node.port() + " max_fails=1 fail_timeout=5s;")
                    .collect(Collectors.joining("\n        "));
            Path template = Path.of(System.getProperty("herald.nginx.dir", "nginx"), "templates", "nginx.conf.template");
            Path config = dir.resolve("nginx.conf");
            Files.writeString(config, envsubst(Files.readString(template), Map.of(
                    "HERALD_HTTP_LISTEN", "127.0.0.1:" + port,
                    "HERALD_HTTPS_LISTEN", "127.0.0.1:" + httpsPort,
                    "HERALD_UPSTREAM_SERVERS", upstreams,
                    "HERALD_TLS_CERTIFICATE", certs.resolve("herald.crt").toString(),
                    "HERALD_TLS_CERTIFICATE_KEY", certs.resolve("herald.key").toString())));
            Files.deleteIfExists(dir.resolve("nginx.pid"));
            // as root, nginx would run its workers as "nobody", which cannot enter a private work directory
            String globals = "daemon off;" + ("root".equals(System.getProperty("user.name")) ? " user root;" : "");
            Process process = new ProcessBuilder(Path.of(System.getProperty("nginx", "/usr/sbin/nginx")).toString(),
                    "-p", dir + "/", "-c", config.toString(), "-g", globals)
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("nginx.log").toFile())
                    .start();
            LoadBalancer balancer = new LoadBalancer(process, port, httpsPort, dir);
            balancer.awaitListening(port);
            balancer.awaitListening(httpsPort);
            return balancer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start nginx (apt-get install -y nginx, see .ci/run)", e);
        }
    }

    /**
     * What GNU envsubst does with the nginx image's list of defined variables: {@code ${NAME}} and {@code $NAME}
     * of a defined variable are replaced, anything else (nginx's $host...) stays. Stricter than envsubst: a
     * HERALD_ variable left unfilled fails here rather than as an nginx start error.
     */
    static String envsubst(String template, Map<String, String> variables) {
        Matcher matcher = VARIABLE.matcher(template);
        StringBuilder filled = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            String value = variables.get(name);
            if (value == null && name.startsWith("HERALD_")) {
                throw new IllegalArgumentException("the nginx template needs " + name);
            }
            matcher.appendReplacement(filled, Matcher.quoteReplacement(value != null ? value : matcher.group()));
        }
        return matcher.appendTail(filled).toString();
    }

    private static void run(Path dir, String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("make-cert.log").toFile())).start();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed, see " + dir.resolve("make-cert.log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitListening(int listening) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", listening), 500);
                return;
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("nginx did not listen on " + listening + ", see " + dir.resolve("nginx.log"));
                }
            }
            try {
                // polling a port that is not open yet: there is no event to wait on
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Plain HTTP: HTTP/1.1 only. */
    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** HTTPS with HTTP/2 offered (ALPN h2, http/1.1), self-signed certificate for localhost and 127.0.0.1. */
    public URI httpsUri(String pathAndQuery) {
        return URI.create("https://127.0.0.1:" + httpsPort + pathAndQuery);
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
