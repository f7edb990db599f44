package dev.herald.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (Debian's {@code redis-server}, 7.0) on a free loopback port, its data in its own
 * directory, for tests of the Redis log. It can be stopped and started again on the same port and data
 * directory (with {@code appendonly yes} the data survives, without it Redis starts empty), or paused with
 * SIGSTOP. {@link #command} speaks RESP directly, so tests inspect Redis without the code under test.
 */
public final class RedisServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final boolean appendOnly;
    /** More redis-server options ({@code --replicaof host port}). */
    private final List<String> options;
    private Process process;

    private RedisServer(Path dir, int port, boolean appendOnly, List<String> options) {
        this.dir = dir;
        this.port = port;
        this.appendOnly = appendOnly;
        this.options = options;
    }

    /** A fresh server with its data under {@code dir} (emptied first). */
    public static RedisServer start(Path dir, boolean appendOnly) {
        return startWith(dir, appendOnly, List.of());
    }

    /** A fresh replica of {@code master}, returned once its link to the master is up and the sync done. */
    public static RedisServer startReplicaOf(Path dir, RedisServer master) {
        RedisServer replica = startWith(dir, false, List.of("--replicaof", "127.0.0.1", Integer.toString(master.port)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!replica.call("INFO", "replication").contains("master_link_status:up")) {
            if (System.nanoTime() > deadline) {
                replica.close();
                throw new IllegalStateException("the replica did not sync with its master: " + replica.call("INFO", "replication"));
            }
            try {
                Thread.sleep(20); // polling Redis' own state: there is no event to await
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return replica;
    }

    /** A fresh server with more redis-server options (cluster mode, a replica's master). */
    public static RedisServer startWith(Path dir, boolean appendOnly, List<String> options) {
        try {
            deleteRecursively(dir);
            Files.createDirectories(dir);
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            RedisServer server = new RedisServer(dir.toAbsolutePath(), port, appendOnly, options);
            server.startAgain();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server", e);
        }
    }

    public static Path binary() {
        return Path.of(System.getProperty("redis.server", "/usr/bin/redis-server"));
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server (again) on its port and data directory and waits until it answers PING. */
    public void startAgain() {
        try {
            List<String> command = new ArrayList<>(List.of(binary().toString(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly",
                    appendOnly ? "yes" : "no", "--appendfsync", "always", "--maxmemory-policy", "noeviction",
                    "--protected-mode", "no", "--daemonize", "no"));
            command.addAll(options);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                try {
                    if ("PONG".equals(command("PING"))) {
                        return;
                    }
                } catch (IOException e) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("redis-server did not start on port " + port + ", see "
                                + dir.resolve("redis.log"), e);
                    }
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the server again with nothing of its data: what a Redis restarted without persistence holds. */
    public void startAgainEmpty() {
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(path -> !path.getFileName().toString().equals("redis.log")).toList()) {
                deleteRecursively(file);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot empty " + dir, e);
        }
        startAgain();
    }

    /** Stops the server (SIGTERM: with AOF it keeps what it acknowledged) and waits for it to exit. */
    public void stop() {
        if (process == null) {
            return;
        }
        Processes.stop(process);
        process = null;
    }

    /** Freezes the process (SIGSTOP): connections stay open but nothing is answered. */
    public void pause() {
        signal("STOP");
    }

    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One command over a fresh connection; the reply flattened to text (integers and bulk strings as they are,
     * arrays one element per line, null as {@code (nil)}). Throws IOException while the server is down.
     */
    public String command(String... arguments) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("*").append(arguments.length).append("\r\n");
            for (String argument : arguments) {
                byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
                request.append('$').append(bytes.length).append("\r\n").append(argument).append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder reply = new StringBuilder();
            read(in, reply);
            return reply.toString().strip();
        }
    }

    /** A command that must succeed (the test cannot go on otherwise). */
    public String call(String... arguments) {
        try {
            return command(arguments);
        } catch (IOException e) {
            throw new IllegalStateException("redis " + String.join(" ", arguments) + ": " + e, e);
        }
    }

    /** {@code calls=N} of one command in INFO commandstats (0 if never called). */
    public long commandCalls(String command) {
        for (String line : call("INFO", "commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_" + command.toLowerCase() + ":")) {
                String calls = line.substring(line.indexOf("calls=") + 6);
                return Long.parseLong(calls.substring(0, calls.indexOf(',')));
            }
        }
        return 0;
    }

    private static void read(BufferedReader in, StringBuilder reply) throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("connection closed");
        }
        char type = line.charAt(0);
        String rest = line.substring(1);
        switch (type) {
            case '+', ':' -> reply.append(rest).append('\n');
            case '-' -> reply.append("ERR:").append(rest).append('\n');
            case '$' -> {
                int length = Integer.parseInt(rest);
                if (length < 0) {
                    reply.append("(nil)\n");
                } else {
                    char[] chars = new char[length];
                    int read = 0;
                    // bulk lengths are bytes; the tests' payloads are ASCII
                    while (read < length) {
                        read += in.read(chars, read, length - read);
                    }
                    in.readLine();
                    reply.append(chars).append('\n');
                }
            }
            case '*' -> {
                int count = Integer.parseInt(rest);
                for (int i = 0; i < count; i++) {
                    read(in, reply);
                }
            }
            default -> throw new IOException("unexpected reply: " + line);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
