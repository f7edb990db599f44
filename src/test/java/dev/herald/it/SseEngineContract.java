package dev.herald.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an SSE response looks like on each engine: refusals with JSON, stream headers and retry hint, resume ids. */
interface SseEngineContract extends OnHerald {
    Pattern RETRY = Pattern.compile("retry: ?(\\d+)");

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    /** The whole body of a refused SSE request (the server ends the response). */
    private static String refusedBody(SseStream stream) {
        stream.awaitEnd();
        return String.join("\n", stream.rawLines());
    }

    @Test
    default void sseRefusesInvalidTopicsAndMissingTopicsWithJson() {
        String engine = engine();
        for (String query : List.of("topic=bad%20topic%21", "topic=ok-topic&topic=herald.x", "topic=" + "a".repeat(129))) {
            try (SseStream stream = SseStream.open(server(), query, null)) {
                assertEquals(400, stream.status(), engine + " " + query);
                assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                        engine + " " + query + ": " + stream.headers().map());
                JsonObject body = json(refusedBody(stream));
                assertEquals("invalid-topic", body.getString("error"), engine + " " + query + ": " + body);
                assertFalse(body.getString("message").isBlank());
            }
        }
        try (SseStream stream = SseStream.open(server(), "", null)) {
            assertEquals(400, stream.status(), engine + " without topics");
            JsonObject body = json(refusedBody(stream));
            assertEquals("no-topics", body.getString("error"), engine + ": " + body);
            assertFalse(body.getString("message").isBlank());
        }
    }

    @Test
    default void sseResponseHasStreamHeadersAndRetryHint() {
        HeraldServer target = server();
        String engine = engine();
        String topic = unique("api-headers-" + engine);
        try (SseStream stream = SseStream.open(target, "topic=" + topic, null)) {
            assertEquals(200, stream.status(), engine);
            assertEquals(List.of("no-cache"), stream.headers().allValues("Cache-Control"), engine + " Cache-Control");
            assertEquals(List.of("no"), stream.headers().allValues("X-Accel-Buffering"), engine + " X-Accel-Buffering");
            assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                    engine + " Content-Type " + stream.headers().firstValue("Content-Type"));
            String id = new Publisher(target).publish(topic, "{\"n\":1}");
            stream.await(items -> items.stream().anyMatch(item -> id.equals(item.id())), "the event");
            // the preamble precedes the event, so its lines are in rawLines by now
            List<Long> retries = new ArrayList<>();
            for (String line : stream.rawLines()) {
                Matcher retry = RETRY.matcher(line);
                if (retry.matches()) {
                    retries.add(Long.parseLong(retry.group(1)));
                }
            }
            assertEquals(1, retries.size(), engine + ": one retry line in " + stream.rawLines());
            // herald.sse.retry defaults to 3 s, jittered to [1.5 s, 4.5 s]
            assertTrue(retries.get(0) >= 1500 && retries.get(0) <= 4500, engine + " retry " + retries);
            assertEquals(List.of(id), stream.eventIds(), engine + ": only the published event, no stray frames");
        }
    }

    @Test
    default void lastEventIdHeaderBeatsTheQueryParameter() {
        HeraldServer target = server();
        String engine = engine();
        Publisher enginePublisher = new Publisher(target);
        String topic = unique("api-resume-" + engine);
        String e1 = enginePublisher.publish(topic, "{\"n\":1}");
        String e2 = enginePublisher.publish(topic, "{\"n\":2}");
        String e3 = enginePublisher.publish(topic, "{\"n\":3}");

        // header valid, query foreign: the header wins, exact resume
        try (SseStream stream = SseStream.open(target, "topic=" + topic + "&lastEventId=other-1", e1)) {
            assertEquals(200, stream.status());
            stream.awaitEvents(2);
            assertEquals(List.of(e2, e3), stream.eventIds(), engine + ": resumed from the header's id");
            assertTrue(stream.all().stream().noneMatch(item -> item.kind().equals("reset")),
                    engine + ": no reset when the header is valid: " + stream.all());
        }
        // the query parameter alone is honoured
        try (SseStream stream = SseStream.open(target, "topic=" + topic + "&lastEventId=" + e2, null)) {
            assertEquals(200, stream.status());
            stream.awaitEvents(1);
            assertEquals(List.of(e3), stream.eventIds(), engine + ": resumed from the query's id");
            assertTrue(stream.all().stream().noneMatch(item -> item.kind().equals("reset")), engine + ": " + stream.all());
        }
        // header foreign, query valid: still the header wins, so a reset and everything retained
        try (SseStream stream = SseStream.open(target, "topic=" + topic + "&lastEventId=" + e2, "other-1")) {
            assertEquals(200, stream.status());
            stream.awaitEvents(3);
            assertEquals("reset", stream.all().get(0).kind(), engine + ": reset for the header's foreign id");
            assertEquals(List.of(e1, e2, e3), stream.eventIds(), engine);
        }
    }
}
