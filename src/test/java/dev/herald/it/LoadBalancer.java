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
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Debian's nginx as the load balancer over Herald nodes, configured from the repository's
 * nginx/herald-lb.conf (the config the README tells users to copy), on a free loopback port, everything in
 * one work directory, run as the current user.
 */
public final class LoadBalancer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private LoadBalancer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static LoadBalancer start(Path workDir, List<HeraldServer> nodes) {
        try {
            Path dir = Files.createDirectories(workDir).toAbsolutePath();
            Files.createDirectories(dir.resolve("tmp"));
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            String upstreams = nodes.stream()
                    .map(node -> "server 127.0.0.1:" + node.port() + " max_fails=1 fail_timeout=5s;")
                    .collect(Collectors.joining("\n        "));
            Path config = dir.resolve("nginx.conf");
            Files.writeString(config, Files.readString(Path.of(System.getProperty("herald.lb.conf", "nginx/herald-lb.conf")))
                    .replace("__PORT__", Integer.toString(port)).replace("__UPSTREAMS__", upstreams));
            Files.deleteIfExists(dir.resolve("nginx.pid"));
            // as root, nginx would run its workers as "nobody", which cannot enter a private work directory
            String globals = "daemon off;" + ("root".equals(System.getProperty("user.name")) ? " user root;" : "");
            Process process = new ProcessBuilder(Path.of(System.getProperty("nginx", "/usr/sbin/nginx")).toString(),
                    "-p", dir + "/", "-c", config.toString(), "-g", globals)
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("nginx.log").toFile())
                    .start();
            LoadBalancer balancer = new LoadBalancer(process, port, dir);
            balancer.awaitListening();
            return balancer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start nginx (apt-get install -y nginx, see .ci/run)", e);
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("nginx did not listen on " + port + ", see " + dir.resolve("error.log"));
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

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
