package dev.herald.transport.sse;

import dev.herald.hub.Sink;
import dev.herald.hub.Subscriber;

/** What both SSE engines share: the transport label and the subscriber to report write outcomes to. */
abstract class SseSink implements Sink {
    private volatile Subscriber subscriber;
    private final String clientAddress;
    /** herald.sse.retry: the base of the reconnection hint a shutdown sends last. */
    protected final long retryMillis;

    SseSink(String clientAddress, long retryMillis) {
        this.clientAddress = clientAddress;
        this.retryMillis = retryMillis;
    }

    @Override
    public final String clientAddress() {
        return clientAddress;
    }

    @Override
    public final void attach(Subscriber subscriber) {
        this.subscriber = subscriber;
    }

    @Override
    public final String transport() {
        return "sse";
    }

    /** Null until the hub has attached the subscriber (container callbacks can come earlier). */
    protected final Subscriber subscriber() {
        return subscriber;
    }
}
