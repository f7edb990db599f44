package dev.herald.hub;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The ordered, retained event log behind a hub: the seam between Herald and where events live (in
 * memory on one node, or a store several nodes share). The hub keeps subscribers and fans out; the log
 * orders, stores, retains and delivers. Implementations must honour this contract:
 *
 * <ul>
 * <li><b>append</b> gives the event its position in the log's order and completes the stage with that
 * position only once the event is stored; it never completes normally for an event that is not stored,
 * and it never blocks its caller longer than the log's timeout. It fails (exceptionally, with a
 * {@link HubException}) with {@link HubException.Reason#BACKPLANE_UNAVAILABLE} when the log cannot store
 * now, {@link HubException.Reason#TOPIC_LIMIT} when a bound on topics refuses a new one, and
 * {@link HubException.Reason#CLOSED} once closed. An {@code Idempotency-Key} is scoped to the topic: the
 * same key with the same fingerprint within the retention window completes with the first event's
 * position and appends nothing; the same key with another fingerprint fails with
 * {@link HubException.Reason#IDEMPOTENCY_KEY_REUSED} and appends nothing.</li>
 * <li><b>delivery</b>: every stored event (appended on this node or, for a shared log, on any node) is
 * handed to the listener given to {@link #deliverTo} exactly once, in log order, by one thread at a time,
 * never while holding a lock that {@link #readAfter} or {@link #describe} takes. Each delivered event's
 * {@link Event#sequence()} is greater than every earlier one's: sequences are this node's delivery order.</li>
 * <li><b>readAfter</b> returns the retained events of the given topics after a position, in delivery
 * order, including every event already handed to the listener (events not yet handed over may be
 * included too: the hub skips them by sequence, because they reach the subscriber live). Events replayed
 * carry the sequence they were (or will be) delivered with, or, when the log read them from its store rather
 * than from what it keeps at hand (older than that), a sequence below every delivered one. When the log cannot continue from the position without
 * a gap for some topics (another epoch, a position older than what is retained, a position from the future,
 * a text it cannot parse) it names exactly those topics in {@link Replay#reset()} and returns everything it
 * retains of them. It may fail with {@link HubException.Reason#BACKPLANE_UNAVAILABLE}.</li>
 * <li><b>position</b> parses what a client sent back; it never throws: text the log cannot use yields a
 * position that readAfter answers with a reset.</li>
 * <li><b>up</b> is true while the log accepts and delivers; false when it is stopped, stalled or cannot
 * reach its store.</li>
 * </ul>
 */
public interface EventLog extends AutoCloseable {

    /** What a publisher asks the log to store. */
    record Append(String topic, String data, String conflationKey, String idempotencyKey, byte[] fingerprint,
                  String traceParent) {
    }

    /** Events to replay before live ones, and the reset to send first (null when the resume is exact). */
    record Replay(Signal.Reset reset, List<Event> events) {
        public static final Replay NONE = new Replay(null, List.of());
    }

    /** What the log retains of one topic (for {@code GET /api/topics/{topic}}). */
    record TopicHistory(String lastId, int retainedEvents, long retainedBytes, String oldestId) {
    }

    /** Receives delivered events; see the class contract. */
    interface Listener {
        void deliver(Event event);

        /**
         * The log lost history this node may not have delivered (a shared store restarted empty, a stream
         * recreated: another epoch). Called on the delivery thread before the first event after the loss, so
         * live subscribers can be told with a reset that what they had may have a gap.
         */
        default void historyLost() {
        }

        /** An operator revoked a token subject (on any node of a shared log): close its connections here. */
        default void revoked(String subject) {
        }
    }

    CompletionStage<Position> append(Append append);

    Replay readAfter(Position after, String[] topics);

    /** Starts delivery to the listener; called once, before the first append. */
    void deliverTo(Listener listener);

    Position position(String text);

    boolean up();

    /** How many partitions the log spreads its topics over, each with its own {@link #up(int)}. */
    default int partitions() {
        return 1;
    }

    /** Whether the log accepts and delivers the events of one partition's topics. */
    default boolean up(int partition) {
        return up();
    }

    /** Null if the log knows nothing of the topic. */
    TopicHistory describe(String topic);

    /** True if the log retains events of, or otherwise tracks, this topic. */
    boolean tracks(String topic);

    long retainedEvents();

    long retainedBytes();

    /** Topics the log tracks. */
    int topicCount();

    /**
     * Seconds between an append and this node reading it, for the newest event read (0 when caught up, and
     * always 0 for a log in this process).
     */
    default double lagSeconds() {
        return 0;
    }

    /**
     * Takes or renews a named lease for this node, for tasks that must run once per deployment (the demo
     * feed): true while this node holds it. A log in this process has one node, which always holds it.
     */
    default boolean holdsLease(String lease, java.time.Duration ttl) {
        return true;
    }

    /**
     * Tells every node (this one only, for a log in this process) to close the connections of a token subject;
     * completes once the request is stored for delivery.
     */
    default CompletionStage<Void> revoke(String subject) {
        return java.util.concurrent.CompletableFuture.failedFuture(
                new UnsupportedOperationException("this log cannot revoke subjects"));
    }

    /** Stops appends and delivery; appends after close fail with {@link HubException.Reason#CLOSED}. */
    @Override
    void close();
}
