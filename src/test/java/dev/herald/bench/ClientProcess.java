package dev.herald.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One load-generator client process: holds up to a few thousand subscribers (one process may not hold
 * 20 000 sockets) and obeys one-line commands from the coordinator on stdin, answering each with one line
 * on stdout ({@code ok …} or {@code error …}); {@code progress …} lines may come in between.
 *
 * <pre>
 * open N BATCH      open N subscribers            → ok open=… failed=…
 * open-slow N BATCH open N slow subscribers       → ok open=… slow=…
 * reconnect EVERY   every EVERY-th reconnects     → ok reconnected=…
 * stats RESET       counters + latency histogram  → ok open=… delivered=… latency=&lt;base64&gt; …
 * close-all         close every subscriber        → ok closedAll
 * close             close all and exit            → ok closed
 * </pre>
 * Arguments: host port dialect(HERALD|NCHAN) transport(sse|ws) topic.
 */
public final class ClientProcess {
    private ClientProcess() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            throw new IllegalArgumentException("usage: ClientProcess host port dialect transport topic");
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Subscribers subscribers = new Subscribers(args[0], Integer.parseInt(args[1]),
                Dialect.valueOf(args[2]), args[3], args[4])) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] command = line.trim().split("\\s+");
                try {
                    switch (command[0]) {
                        case "open", "open-slow" -> {
                            subscribers.open(Integer.parseInt(command[1]), Integer.parseInt(command[2]),
                                    command[0].equals("open-slow"), progress -> out.println("progress " + progress));
                            Subscribers.Stats stats = subscribers.stats(false);
                            out.println("ok open=" + stats.counters().open + " slow=" + stats.counters().slow
                                    + " failed=" + stats.counters().failed + " failures="
                                    + stats.failures().replace(' ', '_'));
                        }
                        case "reconnect" -> out.println("ok reconnected="
                                + subscribers.reconnect(Integer.parseInt(command[1])));
                        case "stats" -> out.println("ok " + subscribers.stats(Boolean.parseBoolean(command[1])).line());
                        case "close-all" -> {
                            subscribers.closeAll();
                            out.println("ok closedAll");
                        }
                        case "close" -> {
                            subscribers.closeAll();
                            out.println("ok closed");
                            return;
                        }
                        default -> out.println("error unknown command " + command[0]);
                    }
                } catch (RuntimeException e) {
                    out.println("error " + e.toString().replace('\n', ' '));
                }
            }
        }
    }
}
