package dev.herald.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlacementTest {

    @Test
    void allSpreadsSubscribersOverEveryNode() {
        assertEquals(List.of(0, 1, 2), Placement.of("all", "first").subscriberNodes(3));
        assertEquals(List.of(2), Placement.of("last", "first").subscriberNodes(3));
        assertEquals(List.of(0), Placement.of("first", "first").subscriberNodes(3));
        assertEquals(List.of(1), Placement.of("2", "first").subscriberNodes(3));
    }

    @Test
    void publishesGoToOneNodeOrRoundRobin() {
        Placement any = Placement.of("all", "any");
        assertEquals(List.of(0, 1, 0, 1, 0), java.util.stream.LongStream.range(0, 5)
                .mapToObj(i -> any.publishNode(i, 2)).toList());
        assertEquals(1, Placement.of("all", "last").publishNode(7, 2));
        assertEquals(0, Placement.of("all", "first").publishNode(7, 2));
        assertEquals(2, Placement.of("all", "3").publishNode(0, 4));
        assertEquals(0, Placement.ONE_NODE.publishNode(5, 1));
        assertEquals(List.of(0), Placement.ONE_NODE.subscriberNodes(1));
    }

    @Test
    void rowsSayHowManyNodesAndWherePublishesWent() {
        assertEquals("2 nodes, subscribers on all, publishes to 1", Placement.of("all", "first").describe(2));
        assertEquals("2 nodes, subscribers on 2, publishes to 2", Placement.of("last", "last").describe(2));
        assertEquals("3 nodes, subscribers on 2, publishes to any (round-robin)",
                Placement.of("2", "any").describe(3));
    }

    @Test
    void badValuesAreRejected() {
        for (String bad : List.of("any", "0", "-1", "x", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Placement.of(bad, "first"), bad);
            assertTrue(e.getMessage().startsWith("--subscribe-to"), e.getMessage());
        }
        for (String bad : List.of("all", "0", "one")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Placement.of("all", bad), bad);
            assertTrue(e.getMessage().startsWith("--publish-to"), e.getMessage());
        }
        IllegalArgumentException beyond = assertThrows(IllegalArgumentException.class,
                () -> Placement.of("all", "3").publishNode(0, 2));
        assertTrue(beyond.getMessage().contains("only 2 nodes"), beyond.getMessage());
    }
}
