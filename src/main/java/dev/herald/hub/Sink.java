package dev.herald.hub;

/**
 * The transport side of one subscriber. The hub guarantees at most one write in flight and calls these
 * methods from one thread at a time; a sink never blocks.
 */
public interface Sink {
    /** Called once by the hub, before any write, with the subscriber this sink reports back to. */
    void attach(Subscriber subscriber);

    /** Metric label of the transport, e.g. {@code sse} or {@code ws}. */
    String transport();

    /**
     * True if a write may start now. If false, the sink must call {@link Subscriber#writePossible()} once
     * it may (for example from a Servlet WriteListener).
     */
    boolean canWrite();

    /**
     * Starts writing an event. Returns true if the write finished synchronously; otherwise the sink calls
     * {@link Subscriber#writeCompleted()} or {@link Subscriber#writeFailed(Throwable)} later, from any thread.
     */
    boolean write(Event event);

    /** Same contract as {@link #write(Event)} for a signal. */
    boolean write(Signal signal);

    /** Pushes buffered bytes out; called when the queue has run empty. May make {@link #canWrite()} false. */
    void flush();

    /**
     * False for a transport whose every write is complete on its own (WebSocket messages): the hub then
     * does not schedule a drain after each write just to flush, which would double the work per delivery.
     */
    default boolean buffersWrites() {
        return true;
    }

    /** The client's address for per-address limits (see ClientAddresses), or null when unknown. */
    default String clientAddress() {
        return null;
    }

    /**
     * True for a transport whose heartbeat the peer must answer (a WebSocket ping): heartbeats are then sent
     * every interval, busy or not, and a peer that leaves one unanswered for the pong timeout is closed.
     */
    default boolean answersHeartbeats() {
        return false;
    }

    /** Ends the connection telling the client why (close code, final frame); must not block. */
    void close(CloseReason reason);
}
