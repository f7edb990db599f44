package dev.herald.observability;

import dev.herald.hub.Event;
import dev.herald.hub.FanOutObserver;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@link Tracing} on the OpenTelemetry API; the server's SDK (off unless otel.sdk.disabled=false) exports. */
final class OpenTelemetryTracing implements Tracing {
    private static final AttributeKey<String> TOPIC = AttributeKey.stringKey("herald.topic");
    private static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("herald.event.id");
    private static final AttributeKey<Long> SUBSCRIBERS = AttributeKey.longKey("herald.subscribers");
    private static final AttributeKey<Long> DROPPED = AttributeKey.longKey("herald.dropped");
    private static final String TRACEPARENT = "traceparent";
    private static final TextMapGetter<String> SINGLE_HEADER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of(TRACEPARENT);
        }

        @Override
        public String get(String carrier, String key) {
            return TRACEPARENT.equals(key) ? carrier : null;
        }
    };

    private final Tracer tracer;
    private final W3CTraceContextPropagator propagator = W3CTraceContextPropagator.getInstance();
    private final FanOutObserver fanOut = this::fanOut;

    OpenTelemetryTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("dev.herald");
    }

    @Override
    public PublishTrace startPublish(String topic, String traceParent) {
        // a server span of the container's own HTTP instrumentation is the natural parent; else the header
        Context parent = Span.current().getSpanContext().isValid() || traceParent == null
                ? Context.current() : propagator.extract(Context.root(), traceParent, SINGLE_HEADER);
        Span span = tracer.spanBuilder("herald publish").setParent(parent).setSpanKind(SpanKind.PRODUCER)
                .setAttribute(TOPIC, topic).startSpan();
        Scope scope = span.makeCurrent();
        String carried = span.getSpanContext().isSampled() ? inject(span) : null;
        return new PublishTrace() {
            @Override
            public String traceParent() {
                return carried;
            }

            private boolean detached;

            @Override
            public synchronized void detach() {
                if (!detached) {
                    detached = true;
                    scope.close();
                }
            }

            @Override
            public void published(String eventId) {
                span.setAttribute(EVENT_ID, eventId);
            }

            @Override
            public void failed(String reason) {
                span.setStatus(StatusCode.ERROR, reason);
            }

            @Override
            public void close() {
                detach();
                span.end();
            }
        };
    }

    private String inject(Span span) {
        Map<String, String> headers = new HashMap<>(2);
        propagator.inject(Context.current().with(span), headers, Map::put);
        return headers.get(TRACEPARENT);
    }

    @Override
    public FanOutObserver fanOutObserver() {
        return fanOut;
    }

    private void fanOut(Event event, int subscribers, int overflows, long startNanos, long endNanos) {
        if (event.traceParent() == null) {
            return;
        }
        SpanContext parent = Span.fromContext(propagator.extract(Context.root(), event.traceParent(), SINGLE_HEADER))
                .getSpanContext();
        if (!parent.isValid()) {
            return;
        }
        // the hub measured with nanoTime; spans want wall-clock epoch nanoseconds
        long epochOffset = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) - System.nanoTime();
        tracer.spanBuilder("herald fan-out").setParent(Context.root().with(Span.wrap(parent)))
                .setSpanKind(SpanKind.CONSUMER)
                .setStartTimestamp(startNanos + epochOffset, TimeUnit.NANOSECONDS)
                .setAttribute(TOPIC, event.topic()).setAttribute(EVENT_ID, event.id())
                .setAttribute(SUBSCRIBERS, (long) subscribers).setAttribute(DROPPED, (long) overflows)
                .startSpan().end(endNanos + epochOffset, TimeUnit.NANOSECONDS);
    }
}
