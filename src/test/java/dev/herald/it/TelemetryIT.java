package dev.herald.it;

import com.google.protobuf.ByteString;
import dev.herald.it.OtlpReceiver.ReceivedSpan;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import jakarta.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Herald's OpenTelemetry export end to end: a dedicated Payara Micro with its OpenTelemetry SDK switched on
 * exports over OTLP/HTTP (protobuf) to a receiver inside this test. Proves that the "herald publish" span
 * joins the caller's W3C trace, that the "herald fan-out" span is its child through the traceparent stored
 * with the event, and that herald.metrics=opentelemetry exports the contract's metric names.
 *
 * <p>Started by {@link HeraldServer}, not Arquillian: the OpenTelemetry settings must reach the server JVM
 * itself. On WildFly, with the exporter configured per deployment instead (Arquillian's one shared server),
 * the container's JAX-RS server spans no longer continue the caller's trace (measured 2026-12-01).
 */
class TelemetryIT {
    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Publishes this class made that the server accepted (202). */
    private static final AtomicInteger PUBLISHED = new AtomicInteger();

    private static OtlpReceiver receiver;
    private static HeraldServer server;
    private static Publisher publisher;

    @BeforeAll
    static void start() throws IOException {
        receiver = OtlpReceiver.start();
        Map<String, String> properties = new LinkedHashMap<>(receiver.exportProperties(true));
        properties.put("otel.service.name", "herald");
        properties.put("otel.bsp.schedule.delay", "100");
        properties.put("otel.traces.sampler", "parentbased_always_on");
        properties.put("herald.metrics", "opentelemetry");
        properties.put("herald.publish-token", HeraldServer.TOKEN);
        try {
            server = HeraldServer.start("telemetry", properties);
        } catch (RuntimeException e) {
            receiver.close();
            throw e;
        }
        publisher = new Publisher(server);
    }

    @AfterAll
    static void stop() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (receiver != null) {
                receiver.close();
            }
        }
    }

    @Test
    void publishAndFanOutSpansJoinTheCallersTrace() {
        String topic = unique("trace");
        String traceId = randomHex(16);
        String callerSpanId = randomHex(8);
        String eventId;
        try (SseStream stream = SseStream.open(server, "topic=" + topic, null)) {
            assertEquals(200, stream.status());
            awaitSubscribers(topic, 1);
            HttpResponse<String> response = publisher.post(topic, "{\"traced\":true}", Map.of(
                    "Authorization", "Bearer " + HeraldServer.TOKEN, "Content-Type", "application/json",
                    "traceparent", "00-" + traceId + "-" + callerSpanId + "-01"));
            assertEquals(202, response.statusCode(), response.body());
            PUBLISHED.incrementAndGet();
            eventId = Json.createReader(new StringReader(response.body())).readObject().getString("id");
            assertEquals(List.of(eventId), stream.awaitEvents(1).stream().map(Received::id).toList());
        }

        Poll.until(() -> traceComplete(traceId, callerSpanId),
                () -> "spans 'herald publish' and 'herald fan-out' of trace " + traceId + " leading back to "
                        + callerSpanId + "; receiver has " + receiver.describeSpans());

        ReceivedSpan publish = single(traceId, "herald publish");
        ReceivedSpan fanOut = single(traceId, "herald fan-out");
        assertEquals(Span.SpanKind.SPAN_KIND_PRODUCER, publish.span().getKind());
        assertEquals(Span.SpanKind.SPAN_KIND_CONSUMER, fanOut.span().getKind());
        assertEquals(hex(publish.span().getSpanId()), hex(fanOut.span().getParentSpanId()),
                "fan-out is a child of the publish span");
        List<String> chain = ancestry(traceId, publish);
        assertEquals(callerSpanId, chain.get(chain.size() - 1),
                "the publish span leads back to the caller's span: " + chain);
        // on Payara, its JAX-RS server span (a child of the caller) is the publish span's parent
        assertTrue(chain.size() <= 2, "at most the container's server span between caller and publish: " + chain);
        for (String between : chain.subList(0, chain.size() - 1)) {
            ReceivedSpan hop = receiver.spans(traceId, null).stream()
                    .filter(s -> hex(s.span().getSpanId()).equals(between)).findFirst().orElseThrow();
            assertEquals(Span.SpanKind.SPAN_KIND_SERVER, hop.span().getKind(),
                    () -> "between caller and publish: " + hop.span().getName());
        }

        assertEquals(Optional.of(topic), stringAttribute(publish.span().getAttributesList(), "herald.topic"));
        assertEquals(Optional.of(eventId), stringAttribute(publish.span().getAttributesList(), "herald.event.id"));
        assertEquals(Optional.of(topic), stringAttribute(fanOut.span().getAttributesList(), "herald.topic"));
        assertEquals(Optional.of(eventId), stringAttribute(fanOut.span().getAttributesList(), "herald.event.id"));
        assertEquals(Optional.of(1L), longAttribute(fanOut.span().getAttributesList(), "herald.subscribers"));
        assertEquals(Optional.of(0L), longAttribute(fanOut.span().getAttributesList(), "herald.dropped"));
        assertTrue(fanOut.span().getEndTimeUnixNano() >= fanOut.span().getStartTimeUnixNano());
        assertEquals(Optional.of("herald"), stringAttribute(publish.resource().getAttributesList(), "service.name"));
        assertTrue(receiver.errors().isEmpty(), () -> "receiver errors: " + receiver.errors());
    }

    @Test
    void heraldMetricsAreExportedOverOtlp() {
        String topic = unique("metrics");
        int publishes = 3;
        try (SseStream stream = SseStream.open(server, "topic=" + topic, null)) {
            assertEquals(200, stream.status());
            awaitSubscribers(topic, 1);
            for (int i = 0; i < publishes; i++) {
                publisher.publish(topic, "{\"n\":" + i + "}");
                PUBLISHED.incrementAndGet();
            }
            stream.awaitEvents(publishes);
            // the gauge is sampled at each export: while the stream is open, one shows it
            Poll.until(() -> receiver.points("herald_connections").stream()
                            .anyMatch(p -> hasAttribute(p, "transport", "sse") && value(p) >= 1),
                    () -> "herald_connections{transport=sse} >= 1; " + receiver.describeMetrics());
        }

        Poll.until(() -> latestCumulative("herald_events_published") >= PUBLISHED.get()
                        && latestCumulative("herald_events_delivered", "sse") >= publishes
                        && latestCumulative("herald_connections_opened", "sse") >= 1
                        && !receiver.points("process_open_fds").isEmpty()
                        && receiver.points("herald_delivery_latency_seconds_bucket").stream()
                        .anyMatch(p -> hasAttribute(p, "transport", "sse") && hasAttribute(p, "le", "+Inf")
                                && value(p) >= publishes),
                () -> PUBLISHED.get() + " publishes and " + publishes + " sse deliveries in the exported metrics; "
                        + receiver.describeMetrics());

        for (String counter : List.of("herald_events_published", "herald_connections_opened",
                "herald_events_delivered")) {
            Metric metric = receiver.latest(counter).orElseThrow();
            assertTrue(metric.hasSum(), counter + " is a sum: " + metric);
            assertTrue(metric.getSum().getIsMonotonic(), counter + " is monotonic");
            assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
                    metric.getSum().getAggregationTemporality(), counter + " is cumulative");
        }
        assertTrue(latestCumulative("herald_events_published") >= PUBLISHED.get());
        assertTrue(receiver.latest("herald_connections").orElseThrow().hasGauge());
        List<NumberDataPoint> buckets = receiver.points("herald_delivery_latency_seconds_bucket");
        assertFalse(buckets.isEmpty());
        assertTrue(buckets.stream().allMatch(p -> stringAttribute(p.getAttributesList(), "transport").isPresent()
                && stringAttribute(p.getAttributesList(), "le").isPresent()), "every bucket has transport and le");
        assertTrue(buckets.stream().anyMatch(p -> hasAttribute(p, "le", "0.25")), "a 0.25 s bucket exists");
        assertTrue(receiver.points("process_open_fds").stream().anyMatch(p -> value(p) > 0), "open fds > 0");
        assertTrue(receiver.errors().isEmpty(), () -> "receiver errors: " + receiver.errors());
    }

    // --- traces -----------------------------------------------------------------------------------------

    private static boolean traceComplete(String traceId, String callerSpanId) {
        List<ReceivedSpan> publishes = receiver.spans(traceId, "herald publish");
        if (publishes.size() != 1) {
            return false;
        }
        ReceivedSpan publish = publishes.get(0);
        String publishId = hex(publish.span().getSpanId());
        boolean fanOut = receiver.spans(traceId, "herald fan-out").stream()
                .anyMatch(s -> hex(s.span().getParentSpanId()).equals(publishId));
        List<String> chain = ancestry(traceId, publish);
        return fanOut && callerSpanId.equals(chain.get(chain.size() - 1));
    }

    /**
     * The parent span ids from {@code span} upwards through spans the receiver holds; ends with the first
     * parent it does not hold (the caller's span, or one not exported yet).
     */
    private static List<String> ancestry(String traceId, ReceivedSpan span) {
        Map<String, Span> byId = receiver.spans(traceId, null).stream()
                .collect(Collectors.toMap(s -> hex(s.span().getSpanId()), ReceivedSpan::span, (a, b) -> a));
        List<String> chain = new ArrayList<>();
        String parent = hex(span.span().getParentSpanId());
        chain.add(parent);
        while (byId.containsKey(parent) && chain.size() < 10) {
            parent = hex(byId.get(parent).getParentSpanId());
            chain.add(parent);
        }
        return chain;
    }

    private static ReceivedSpan single(String traceId, String name) {
        List<ReceivedSpan> spans = receiver.spans(traceId, name);
        assertEquals(1, spans.size(), () -> "one '" + name + "' span in trace " + traceId + ": "
                + receiver.describeSpans());
        return spans.get(0);
    }

    // --- metrics ----------------------------------------------------------------------------------------

    /** The value of the newest data point of a sum (the one with the latest time), 0 if none. */
    private static long latestCumulative(String name, String transport) {
        return receiver.points(name).stream()
                .filter(p -> transport == null || hasAttribute(p, "transport", transport))
                .max(Comparator.comparingLong(NumberDataPoint::getTimeUnixNano))
                .map(p -> (long) value(p)).orElse(0L);
    }

    private static long latestCumulative(String name) {
        return latestCumulative(name, null);
    }

    private static double value(NumberDataPoint point) {
        return point.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? point.getAsInt() : point.getAsDouble();
    }

    private static boolean hasAttribute(NumberDataPoint point, String key, String value) {
        return stringAttribute(point.getAttributesList(), key).filter(value::equals).isPresent();
    }

    // --- helpers ----------------------------------------------------------------------------------------

    private static Optional<String> stringAttribute(List<KeyValue> attributes, String key) {
        return attributes.stream().filter(a -> a.getKey().equals(key)).findFirst()
                .filter(a -> a.getValue().getValueCase() == AnyValue.ValueCase.STRING_VALUE)
                .map(a -> a.getValue().getStringValue());
    }

    private static Optional<Long> longAttribute(List<KeyValue> attributes, String key) {
        return attributes.stream().filter(a -> a.getKey().equals(key)).findFirst()
                .filter(a -> a.getValue().getValueCase() == AnyValue.ValueCase.INT_VALUE)
                .map(a -> a.getValue().getIntValue());
    }

    private static void awaitSubscribers(String topic, int count) {
        Poll.until(() -> Json.createReader(new StringReader(publisher.get("/api/topics/" + topic).body()))
                .readObject().getInt("subscribers") == count, () -> count + " subscriber(s) on " + topic);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Random lowercase hex of {@code bytes} bytes, never all zeros (an invalid W3C id). */
    private static String randomHex(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        value[0] |= 1;
        return HEX.formatHex(value);
    }

    private static String hex(ByteString bytes) {
        return HEX.formatHex(bytes.toByteArray());
    }
}
