package dev.herald.it;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * A minimal OTLP/HTTP receiver: POST /v1/traces and /v1/metrics with protobuf bodies (gzip or not),
 * answered 200 with an empty export response, as a collector does (/v1/logs is accepted and ignored).
 * TelemetryIT inspects what it receives; on WildFly, where Herald's metrics leave the server only over OTLP,
 * {@link HeraldServer#metricsText()} renders them as Prometheus text from here.
 */
final class OtlpReceiver implements AutoCloseable {
    private static final HexFormat HEX = HexFormat.of();

    private final HttpServer http;
    private final ExecutorService executor;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private final List<Metric> metrics = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final Set<String> encodings = new ConcurrentSkipListSet<>();
    private final AtomicLong traceRequests = new AtomicLong();
    private final AtomicLong metricRequests = new AtomicLong();
    /** Metrics kept at most (oldest go first), 0 for all: a server's receiver runs as long as the suite. */
    private final int maxMetrics;

    record ReceivedSpan(Resource resource, Span span) {
    }

    private OtlpReceiver(HttpServer http, ExecutorService executor, int maxMetrics) {
        this.http = http;
        this.executor = executor;
        this.maxMetrics = maxMetrics;
    }

    /** A receiver that keeps everything it receives. */
    /**
     * Server properties that make the OpenTelemetry SDK push metrics (and, if asked, traces) here, once a
     * second; each otel.* key must be set exactly once (Payara refuses to deploy otherwise).
     */
    Map<String, String> exportProperties(boolean traces) {
        Map<String, String> properties = new java.util.LinkedHashMap<>();
        properties.put("otel.sdk.disabled", "false");
        properties.put("otel.metrics.exporter", "otlp");
        properties.put("otel.traces.exporter", traces ? "otlp" : "none");
        properties.put("otel.logs.exporter", "none");
        properties.put("otel.exporter.otlp.protocol", "http/protobuf");
        properties.put("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + port());
        properties.put("otel.metric.export.interval", "1000");
        return properties;
    }

    static OtlpReceiver start() throws IOException {
        return start(0);
    }

    /** A receiver that keeps the newest {@code maxMetrics} metrics it received (0: all). */
    static OtlpReceiver start(int maxMetrics) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "otlp-receiver");
            thread.setDaemon(true);
            return thread;
        });
        http.setExecutor(executor);
        OtlpReceiver receiver = new OtlpReceiver(http, executor, maxMetrics);
        http.createContext("/v1/traces", exchange -> receiver.handle(exchange, "traces"));
        http.createContext("/v1/metrics", exchange -> receiver.handle(exchange, "metrics"));
        // what a Prometheus exporter in front of this receiver would serve: the newest point of every series
        http.createContext("/metrics", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                byte[] body = receiver.render().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    exchange.getResponseBody().write(body);
                }
            }
        });
        http.createContext("/v1/logs", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(200, -1);
            }
        });
        http.start();
        return receiver;
    }

    int port() {
        return http.getAddress().getPort();
    }

    List<String> errors() {
        return List.copyOf(errors);
    }

    /** Spans of one trace, optionally of one name, in arrival order. */
    List<ReceivedSpan> spans(String traceId, String name) {
        return spans.stream().filter(s -> hex(s.span().getTraceId()).equals(traceId))
                .filter(s -> name == null || s.span().getName().equals(name)).toList();
    }

    /** The metric of that name from the newest export that had it. */
    Optional<Metric> latest(String name) {
        Metric found = null;
        for (Metric metric : metrics) {
            if (metric.getName().equals(name)) {
                found = metric;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Every number data point (sum or gauge) of that name, from all exports. */
    List<NumberDataPoint> points(String name) {
        List<NumberDataPoint> points = new ArrayList<>();
        for (Metric metric : metrics) {
            if (metric.getName().equals(name)) {
                points.addAll(dataPoints(metric));
            }
        }
        return points;
    }

    /**
     * Herald's metrics as Prometheus text, from data points collected after this call: waits (up to
     * {@code timeout}) for the first export of herald_* points whose collection time is later than now, so the
     * values include everything the server did before the call, as a scrape of /metrics would. Converted as
     * an OpenTelemetry-to-Prometheus exporter does: monotonic sums get {@code _total}; labels are the point's
     * attributes in name order. Each series also gets {@code mp_scope="application"}, the label Payara's
     * MicroProfile Metrics adds, so that a series is written the same way for both runtimes.
     */
    String prometheusText(Duration timeout) {
        long since = nanos(Instant.now());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (metrics.stream().noneMatch(m -> m.getName().startsWith("herald_")
                && dataPoints(m).stream().anyMatch(p -> p.getTimeUnixNano() > since))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no OTLP export of herald_* metrics within " + timeout + "; "
                        + describeMetrics());
            }
            try {
                // the server exports on its own schedule (otel.metric.export.interval): nothing to wait on
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return render();
    }

    /** GET /metrics on this receiver: Herald's metrics as Prometheus text from the exports received so far. */
    URI scrapeUri() {
        return URI.create("http://127.0.0.1:" + port() + "/metrics");
    }

    /** The newest point of every series received so far, as Prometheus text (see {@link #prometheusText}). */
    String render() {
        // series -> newest point; later exports overwrite earlier ones
        Map<String, NumberDataPoint> newest = new TreeMap<>();
        Map<String, String> typeLines = new TreeMap<>();
        for (Metric metric : metrics) {
            boolean counter = metric.hasSum() && metric.getSum().getIsMonotonic();
            // the server's own instruments (WildFly's server.active_requests, ...) have dots: Prometheus names
            // may not, so they become underscores, as an OpenTelemetry-to-Prometheus exporter writes them
            String sanitized = prometheusName(metric.getName());
            String name = counter && !sanitized.endsWith("_total") ? sanitized + "_total" : sanitized;
            typeLines.put(name, "# TYPE " + name + (counter ? " counter" : " gauge"));
            for (NumberDataPoint point : dataPoints(metric)) {
                String series = name + labels(point.getAttributesList());
                NumberDataPoint known = newest.get(series);
                if (known == null || known.getTimeUnixNano() <= point.getTimeUnixNano()) {
                    newest.put(series, point);
                }
            }
        }
        StringBuilder text = new StringBuilder();
        String family = null;
        for (Map.Entry<String, NumberDataPoint> entry : newest.entrySet()) {
            String name = entry.getKey().replaceFirst("\\{.*", "");
            if (!name.equals(family)) {
                text.append(typeLines.get(name)).append('\n');
                family = name;
            }
            NumberDataPoint point = entry.getValue();
            double value = point.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? point.getAsInt()
                    : point.getAsDouble();
            text.append(entry.getKey()).append(' ').append(value).append('\n');
        }
        return text.toString();
    }

    String describeSpans() {
        return traceRequests.get() + " trace requests (encodings " + encodings + "), spans "
                + spans.stream().map(s -> "'" + s.span().getName() + "' trace=" + hex(s.span().getTraceId())
                + " id=" + hex(s.span().getSpanId()) + " parent=" + hex(s.span().getParentSpanId()))
                .toList() + (errors.isEmpty() ? "" : "; errors " + errors);
    }

    String describeMetrics() {
        Set<String> names = new TreeSet<>();
        metrics.forEach(m -> names.add(m.getName()));
        return metricRequests.get() + " metric requests (encodings " + encodings + "), names " + names
                + (errors.isEmpty() ? "" : "; errors " + errors);
    }

    private static List<NumberDataPoint> dataPoints(Metric metric) {
        return metric.hasSum() ? metric.getSum().getDataPointsList()
                : metric.hasGauge() ? metric.getGauge().getDataPointsList() : List.of();
    }

    private static String labels(List<KeyValue> attributes) {
        Map<String, String> sorted = new TreeMap<>();
        for (KeyValue attribute : attributes) {
            AnyValue value = attribute.getValue();
            sorted.put(prometheusName(attribute.getKey()).replace(':', '_'), value.getValueCase() == AnyValue.ValueCase.STRING_VALUE
                    ? value.getStringValue() : value.toString().trim());
        }
        sorted.put("mp_scope", "application");
        StringBuilder labels = new StringBuilder("{");
        sorted.forEach((key, value) -> labels.append(labels.length() > 1 ? "," : "").append(key).append("=\"")
                .append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
        return labels.append('}').toString();
    }

    /** A valid Prometheus metric (or, without colons, label) name: other characters become underscores. */
    private static String prometheusName(String name) {
        String valid = name.replaceAll("[^a-zA-Z0-9_:]", "_");
        return valid.isEmpty() || Character.isDigit(valid.charAt(0)) ? "_" + valid : valid;
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    private static String hex(ByteString bytes) {
        return HEX.formatHex(bytes.toByteArray());
    }

    private void handle(HttpExchange exchange, String signal) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String contentType = Objects.toString(exchange.getRequestHeaders().getFirst("Content-Type"), "");
            String encoding = Objects.toString(exchange.getRequestHeaders().getFirst("Content-Encoding"),
                    "identity");
            encodings.add(encoding);
            if (!contentType.startsWith("application/x-protobuf")) {
                errors.add(signal + ": unexpected Content-Type " + contentType);
                exchange.sendResponseHeaders(415, -1);
                return;
            }
            byte[] body;
            try (InputStream raw = exchange.getRequestBody();
                 InputStream in = encoding.equalsIgnoreCase("gzip") ? new GZIPInputStream(raw) : raw) {
                body = in.readAllBytes();
            }
            byte[] response;
            try {
                if (signal.equals("traces")) {
                    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
                    request.getResourceSpansList().forEach(rs -> rs.getScopeSpansList().forEach(ss ->
                            ss.getSpansList().forEach(span -> spans.add(new ReceivedSpan(rs.getResource(), span)))));
                    traceRequests.incrementAndGet();
                    response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                } else {
                    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body);
                    request.getResourceMetricsList().forEach(rm -> rm.getScopeMetricsList().forEach(sm ->
                            metrics.addAll(sm.getMetricsList())));
                    if (maxMetrics > 0 && metrics.size() > maxMetrics) {
                        metrics.subList(0, metrics.size() - maxMetrics).clear();
                    }
                    metricRequests.incrementAndGet();
                    response = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
                }
            } catch (InvalidProtocolBufferException e) {
                errors.add(signal + ": " + e.getMessage());
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            // an empty response message encodes to zero bytes: send Content-Length 0, not chunked
            exchange.sendResponseHeaders(200, response.length == 0 ? -1 : response.length);
            if (response.length > 0) {
                exchange.getResponseBody().write(response);
            }
        } catch (IOException | RuntimeException e) {
            errors.add(signal + ": " + e);
            throw e;
        }
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
