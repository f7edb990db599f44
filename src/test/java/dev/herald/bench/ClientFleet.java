package dev.herald.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's side of the client processes: starts them with this JVM's class path, sends each the
 * same command and collects one answer line from each.
 */
final class ClientFleet implements AutoCloseable {
    /** One process holds at most this many subscribers (20 000 open files per process, minus headroom). */
    static final int MAX_PER_PROCESS = 8_000;
    private static final long ANSWER_TIMEOUT_SECONDS = 600;

    private final List<Client> clients = new ArrayList<>();
    /** The node (index into the target's nodes) each process subscribes at, in process order. */
    private final List<Integer> processNodes = new ArrayList<>();
    private final PrintStream progress;

    private ClientFleet(PrintStream progress) {
        this.progress = progress;
    }

    /** As many processes as {@code connections} needs at {@link #MAX_PER_PROCESS} each (at least one). */
    static int processesFor(int connections) {
        return Math.max(1, (connections + MAX_PER_PROCESS - 1) / MAX_PER_PROCESS);
    }

    static ClientFleet start(int processes, String host, int port, Dialect dialect, String transport, String topic,
                             Path logDir, PrintStream progress) throws IOException {
        return start(java.util.Collections.nCopies(processes, new Endpoint(0, host, port)), dialect, transport, topic,
                logDir, progress);
    }

    /** Where one client process subscribes: the target's node (0-based) and its address. */
    record Endpoint(int node, String host, int port) {
    }

    /**
     * The client processes for {@code connections} subscribers spread over {@code nodes} (the subscribed nodes
     * of a target, 0-based, each with its host and port): each node gets {@link #share} of the subscribers and
     * as many processes as its share needs, so every process talks to one node.
     */
    static List<Endpoint> endpoints(int connections, List<Endpoint> nodes) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int k = 0; k < nodes.size(); k++) {
            int processes = processesFor(share(connections, nodes.size(), k));
            endpoints.addAll(java.util.Collections.nCopies(processes, nodes.get(k)));
        }
        return endpoints;
    }

    /** One process per endpoint ({@link #endpoints}), in that order. */
    static ClientFleet start(List<Endpoint> endpoints, Dialect dialect, String transport, String topic, Path logDir,
                             PrintStream progress) throws IOException {
        ClientFleet fleet = new ClientFleet(progress);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            for (int i = 0; i < endpoints.size(); i++) {
                Endpoint endpoint = endpoints.get(i);
                Process process = new ProcessBuilder(java, "-Xmx256m", "-Xss256k", "-XX:+UseSerialGC",
                        "-cp", System.getProperty("java.class.path"), ClientProcess.class.getName(),
                        endpoint.host(), Integer.toString(endpoint.port()), dialect.name(), transport, topic)
                        .redirectError(logDir.resolve("client-" + i + ".err").toFile())
                        .start();
                fleet.clients.add(new Client(i, process, progress));
                fleet.processNodes.add(endpoint.node());
            }
        } catch (IOException | RuntimeException e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    /**
     * How many of {@code total} subscribers process {@code index} opens: an even split over the nodes the
     * processes subscribe at ({@link #share}, in the order they first appear), then over each node's processes.
     */
    int shareOf(int total, int index) {
        return shareOf(total, processNodes, index);
    }

    static int shareOf(int total, List<Integer> processNodes, int index) {
        List<Integer> nodes = processNodes.stream().distinct().toList();
        int node = processNodes.get(index);
        int k = nodes.indexOf(node);
        int onNode = share(total, nodes.size(), k);
        List<Integer> peers = new ArrayList<>();
        for (int i = 0; i < processNodes.size(); i++) {
            if (processNodes.get(i) == node) {
                peers.add(i);
            }
        }
        return share(onNode, peers.size(), peers.indexOf(index));
    }

    int size() {
        return clients.size();
    }

    /** Splits {@code total} over the processes: the first ones take one more when it does not divide. */
    static int share(int total, int processes, int index) {
        return total / processes + (index < total % processes ? 1 : 0);
    }

    /** Sends {@code command(i)} to process i and returns the answers, parsed as key=value pairs. */
    List<Map<String, String>> ask(java.util.function.IntFunction<String> command) {
        for (Client client : clients) {
            client.send(command.apply(client.index));
        }
        List<Map<String, String>> answers = new ArrayList<>();
        for (Client client : clients) {
            answers.add(client.answer());
        }
        return answers;
    }

    List<Map<String, String>> askAll(String command) {
        return ask(i -> command);
    }

    /** Sum of a numeric field over all answers. */
    static long sum(List<Map<String, String>> answers, String key) {
        long total = 0;
        for (Map<String, String> answer : answers) {
            total += Long.parseLong(answer.getOrDefault(key, "0"));
        }
        return total;
    }

    /** The merged latency histograms of all answers. */
    static LatencyStats latency(List<Map<String, String>> answers) {
        LatencyStats merged = new LatencyStats();
        for (Map<String, String> answer : answers) {
            merged.add(LatencyStats.decode(answer.get("latency")));
        }
        return merged;
    }

    @Override
    public void close() {
        for (Client client : clients) {
            client.close();
        }
    }

    private static final class Client {
        final int index;
        final Process process;
        final Writer stdin;
        final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

        Client(int index, Process process, PrintStream progress) {
            this.index = index;
            this.process = process;
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        if (line.startsWith("progress ")) {
                            progress.println("    client " + index + ": " + line.substring(9));
                        } else {
                            answers.add(line);
                        }
                    }
                } catch (IOException e) {
                    answers.add("error " + e);
                }
                answers.add("error client process " + index + " ended");
            }, "client-" + index + "-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        void send(String command) {
            try {
                stdin.write(command + "\n");
                stdin.flush();
            } catch (IOException e) {
                throw new IllegalStateException("client process " + index + " is gone", e);
            }
        }

        Map<String, String> answer() {
            try {
                String line = answers.poll(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (line == null) {
                    throw new IllegalStateException("client process " + index + " did not answer");
                }
                if (!line.startsWith("ok")) {
                    throw new IllegalStateException("client process " + index + ": " + line);
                }
                Map<String, String> fields = new HashMap<>();
                for (String pair : line.substring(2).trim().split(" ")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        fields.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
                return fields;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        void close() {
            if (process.isAlive()) {
                try {
                    send("close");
                    process.waitFor(30, TimeUnit.SECONDS);
                } catch (IllegalStateException e) {
                    // already gone
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            process.destroyForcibly();
        }
    }
}
