package dev.herald.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientFleetTest {

    @Test
    void shareSplitsTheTotalExactlyAndEvenly() {
        for (int processes : new int[] {1, 2, 3, 7, 8}) {
            for (int total : new int[] {0, 1, 2, 5, 99, 100, 1000, 8001, 20_000, 49_999}) {
                int sum = 0;
                int min = Integer.MAX_VALUE;
                int max = Integer.MIN_VALUE;
                for (int i = 0; i < processes; i++) {
                    int share = ClientFleet.share(total, processes, i);
                    sum += share;
                    min = Math.min(min, share);
                    max = Math.max(max, share);
                }
                String what = total + " over " + processes;
                assertEquals(total, sum, what);
                assertTrue(max - min <= 1, what + ": shares " + min + ".." + max);
            }
        }
    }

    @Test
    void theFirstProcessesTakeTheRemainder() {
        assertEquals(List.of(4, 3, 3), List.of(ClientFleet.share(10, 3, 0), ClientFleet.share(10, 3, 1),
                ClientFleet.share(10, 3, 2)));
    }

    @Test
    void processesForConnections() {
        assertEquals(1, ClientFleet.processesFor(0), "the warm-up needs a process even for N = 0");
        assertEquals(1, ClientFleet.processesFor(1));
        assertEquals(1, ClientFleet.processesFor(ClientFleet.MAX_PER_PROCESS));
        assertEquals(2, ClientFleet.processesFor(ClientFleet.MAX_PER_PROCESS + 1));
        assertEquals(3, ClientFleet.processesFor(20_000));
        assertEquals(13, ClientFleet.processesFor(100_000));
    }

    @Test
    void processesForNeverExceedsThePerProcessLimit() {
        for (int n : new int[] {1, 7_999, 8_000, 8_001, 16_000, 16_001, 50_000}) {
            int processes = ClientFleet.processesFor(n);
            assertTrue(ClientFleet.share(n, processes, 0) <= ClientFleet.MAX_PER_PROCESS, "N = " + n);
        }
    }

    @Test
    void sumAddsAFieldOverAllAnswers() {
        List<Map<String, String>> answers = List.of(Map.of("delivered", "1000", "gaps", "2"),
                Map.of("delivered", "2500"), Map.of("delivered", "3000000000", "gaps", "1"));
        assertEquals(3_000_003_500L, ClientFleet.sum(answers, "delivered"), "beyond int range");
        assertEquals(3, ClientFleet.sum(answers, "gaps"), "an answer without the field counts 0");
        assertEquals(0, ClientFleet.sum(answers, "resets"));
        assertEquals(0, ClientFleet.sum(List.of(), "delivered"));
    }

    @Test
    void latencyMergesEveryProcessHistogram() {
        LatencyStats fast = new LatencyStats();
        LatencyStats slow = new LatencyStats();
        for (int i = 1; i <= 100; i++) {
            fast.record(i * 100L);           // 0.1 .. 10 ms
            slow.record(100_000 + i * 1000L); // 101 .. 200 ms
        }
        List<Map<String, String>> answers = List.of(
                Map.of("delivered", "100", "latency", fast.encode()),
                Map.of("delivered", "100", "latency", slow.encode()));
        LatencyStats merged = ClientFleet.latency(answers);
        assertEquals(200, merged.count());
        assertEquals(200, merged.maxMillis(), 200 * 1e-3);
        assertEquals(10, merged.percentileMillis(50), 10 * 1e-3, "half the deliveries were fast");
        assertEquals(198, merged.percentileMillis(99), 198 * 1e-3);
    }

    @Test
    void latencyOfNoAnswersIsEmpty() {
        assertEquals(0, ClientFleet.latency(List.of()).count());
    }

    @Test
    void subscribersSpreadEvenlyOverNodesThenOverEachNodesProcesses() {
        ClientFleet.Endpoint a = new ClientFleet.Endpoint(0, "127.0.0.1", 8080);
        ClientFleet.Endpoint b = new ClientFleet.Endpoint(1, "127.0.0.1", 8081);
        assertEquals(List.of(a, b), ClientFleet.endpoints(1000, List.of(a, b)));
        // 17 000 over two nodes: 8 500 each, two processes each
        assertEquals(List.of(a, a, b, b), ClientFleet.endpoints(17_000, List.of(a, b)));
        assertEquals(List.of(b), ClientFleet.endpoints(1000, List.of(b)));

        List<Integer> nodes = List.of(0, 0, 1);
        assertEquals(List.of(251, 250, 500), List.of(ClientFleet.shareOf(1001, nodes, 0),
                ClientFleet.shareOf(1001, nodes, 1), ClientFleet.shareOf(1001, nodes, 2)));
        assertEquals(List.of(50, 50), List.of(ClientFleet.shareOf(100, List.of(0, 1), 0),
                ClientFleet.shareOf(100, List.of(0, 1), 1)));
        assertEquals(List.of(50, 50), List.of(ClientFleet.shareOf(100, List.of(1, 1), 0),
                ClientFleet.shareOf(100, List.of(1, 1), 1)));
    }
}
