package dev.herald.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delivery order, resume and reset, the same on SSE (both engines) and WebSocket: every class deploying an
 * engine runs these for the transports its static {@code transports()} names.
 */
interface DeliveryContract extends OnHerald {

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    @ParameterizedTest
    @MethodSource("transports")
    default void receivesEventsOfSeveralTopicsInPublishOrder(Transport transport) {
        Publisher publisher = new Publisher(server());
        List<String> topics = List.of(unique("order-a"), unique("order-b"), unique("order-c"));
        try (EventStream stream = transport.open(server(), topics, null)) {
            List<String> ids = new ArrayList<>();
            List<String> expectedTopics = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String topic = topics.get(i % 3 == 0 ? 0 : (i * 7) % 3);
                ids.add(publisher.publish(topic, "{\"n\":" + i + ",\"text\":\"line\\nbreak é\"}"));
                expectedTopics.add(topic);
            }
            List<Received> events = stream.awaitEvents(30);
            assertEquals(ids, events.stream().map(Received::id).toList(), "ids in publish order");
            assertEquals(expectedTopics, events.stream().map(Received::topic).toList());
            for (int i = 0; i < 30; i++) {
                JsonObject data = json(events.get(i).data());
                assertEquals(i, data.getInt("n"));
                assertEquals("line\nbreak é", data.getString("text"));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    default void resumesAfterDisconnectWithExactlyTheMissedIds(Transport transport) {
        Publisher publisher = new Publisher(server());
        List<String> topics = List.of(unique("resume-a"), unique("resume-b"));
        String lastSeen;
        try (EventStream first = transport.open(server(), topics, null)) {
            for (int i = 0; i < 5; i++) {
                publisher.publish(topics.get(i % 2), "{\"phase\":1,\"n\":" + i + "}");
            }
            first.awaitEvents(5);
            lastSeen = first.lastEventId();
        }
        List<String> missed = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            missed.add(publisher.publish(topics.get(i % 2), "{\"phase\":2,\"n\":" + i + "}"));
        }
        try (EventStream resumed = transport.open(server(), topics, lastSeen)) {
            String live = publisher.publish(topics.get(0), "{\"phase\":3}");
            resumed.awaitEvents(21);
            List<String> expected = new ArrayList<>(missed);
            expected.add(live);
            assertEquals(expected, resumed.eventIds(), "exactly the missed ids, then live, none twice");
            assertTrue(resumed.all().stream().noneMatch(item -> item.kind().equals("reset")), "no reset on exact resume");
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    default void signalsResetForTooOldFutureAndForeignIds(Transport transport) {
        Publisher publisher = new Publisher(server());
        String topic = unique("reset");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < HeraldDeployment.HISTORY_PER_TOPIC + 10; i++) {
            ids.add(publisher.publish(topic, "{\"n\":" + i + "}"));
        }
        List<String> retained = ids.subList(10, ids.size());
        String epoch = ids.get(0).substring(0, ids.get(0).lastIndexOf('-'));
        for (String position : List.of(ids.get(0), epoch + "-999999999999", "otherepoch-5", "not-an-id")) {
            try (EventStream stream = transport.open(server(), List.of(topic), position)) {
                stream.awaitEvents(retained.size());
                Received first = stream.all().get(0);
                assertEquals("reset", first.kind(), "reset first for " + position);
                JsonObject reset = json(first.data());
                assertEquals(List.of(topic), reset.getJsonArray("topics").getValuesAs(jakarta.json.JsonString.class)
                        .stream().map(jakarta.json.JsonString::getString).toList());
                assertEquals(retained.get(0), reset.getString("oldest"), "oldest retained id for " + position);
                assertEquals(retained, stream.eventIds(), "everything retained after the reset for " + position);
            }
        }
    }
}
