package dev.herald.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A transport double that records everything written (events and signals, in order) and checks the Sink
 * contract: one call at a time, at most one write in flight, no write or flush while a write is pending,
 * nothing written after close.
 */
final class TestSink implements Sink {
    static final String TRANSPORT = "test";

    private final boolean async;
    private final Executor autoCompleter;
    private final boolean completeInline;
    private volatile boolean writable;
    private volatile boolean buffersWrites = true;
    private volatile Consumer<Object> beforeWrite = item -> { };
    private volatile Throwable throwOnWrite;

    private final List<Object> items = new ArrayList<>();

    private final List<Signal.Subscribed> announcements = new ArrayList<>();
    /** Every write in order, announcements included. */
    private final List<Object> written = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger flushes = new AtomicInteger();
    private final AtomicInteger closeCalls = new AtomicInteger();
    private final AtomicInteger attachCalls = new AtomicInteger();
    private volatile CloseReason closedWith;
    private volatile long closedAtNanos;
    volatile Subscriber subscriber;

    private TestSink(boolean async, Executor autoCompleter, boolean completeInline, boolean writable) {
        this.async = async;
        this.autoCompleter = autoCompleter;
        this.completeInline = completeInline;
        this.writable = writable;
    }

    /** write returns true. */
    static TestSink sync() {
        return new TestSink(false, null, false, true);
    }

    /** write returns false; the test completes each write with {@link #completeOne()}. */
    static TestSink async() {
        return new TestSink(true, null, false, true);
    }

    /** write returns false and the write completes later on the given executor. */
    static TestSink asyncAuto(Executor completer) {
        return new TestSink(true, completer, false, true);
    }

    /** write returns false but calls writeCompleted before returning (completion racing the return). */
    static TestSink asyncCompletingInline() {
        return new TestSink(true, null, true, true);
    }

    /** Like {@link #async()}, for a transport whose writes need no flush (WebSocket). */
    static TestSink asyncUnbuffered() {
        TestSink sink = new TestSink(true, null, false, true);
        sink.buffersWrites = false;
        return sink;
    }

    @Override
    public boolean buffersWrites() {
        return buffersWrites;
    }

    private volatile String clientAddress;
    private volatile boolean answersHeartbeats;

    /** The address the sink reports (per-address limits). */
    TestSink from(String address) {
        clientAddress = address;
        return this;
    }

    /** Like a WebSocket: heartbeats are pings the peer must answer. */
    TestSink answeringHeartbeats() {
        answersHeartbeats = true;
        return this;
    }

    @Override
    public String clientAddress() {
        return clientAddress;
    }

    @Override
    public boolean answersHeartbeats() {
        return answersHeartbeats;
    }

    /** Synchronous writes, but canWrite is false until {@link #makeWritable()}: a client that stops reading. */
    static TestSink notWritable() {
        return new TestSink(false, null, false, false);
    }

    TestSink attach(Hub.Subscription subscription) {
        if (subscriber != subscription.subscriber()) {
            violation("attach was not called with the subscription's subscriber");
        }
        return this;
    }

    void beforeWrite(Consumer<Object> hook) {
        this.beforeWrite = hook;
    }

    /** The next writes throw this (a RuntimeException or an Error). */
    void throwOnWrite(Throwable e) {
        this.throwOnWrite = e;
    }

    // ------------------------------------------------------------------ Sink

    @Override
    public void attach(Subscriber subscriber) {
        if (attachCalls.incrementAndGet() != 1) {
            violation("attach called more than once");
        }
        if (writes.get() > 0 || flushes.get() > 0) {
            violation("attach after a write");
        }
        this.subscriber = subscriber;
    }

    int attachCalls() {
        return attachCalls.get();
    }

    @Override
    public String transport() {
        return TRANSPORT;
    }

    @Override
    public boolean canWrite() {
        enter("canWrite");
        try {
            return writable;
        } finally {
            exit();
        }
    }

    @Override
    public boolean write(Event event) {
        return record(event);
    }

    @Override
    public boolean write(Signal signal) {
        return record(signal);
    }

    private boolean record(Object item) {
        enter("write");
        try {
            if (closedWith != null) {
                violation("write after close: " + describe(item));
            }
            if (inFlight.get()) {
                violation("write while a write is in flight: " + describe(item));
            }
            beforeWrite.accept(item);
            Throwable failure = throwOnWrite;
            if (failure instanceof Error error) {
                throw error;
            }
            if (failure != null) {
                throw (RuntimeException) failure;
            }
            if (async && !completeInline) {
                // in flight before the write becomes observable, so a test that sees it can complete it
                inFlight.set(true);
            }
            synchronized (this) {
                written.add(item);
                if (item instanceof Signal.Subscribed subscribed) {
                    // the subscription announcement is checked on its own; streams compare events and gaps
                    announcements.add(subscribed);
                } else {
                    items.add(item);
                }
                notifyAll();
            }
            writes.incrementAndGet();
            if (!async) {
                return true;
            }
            if (completeInline) {
                subscriber.writeCompleted();
                return false;
            }
            if (autoCompleter != null) {
                autoCompleter.execute(() -> {
                    Await.until(() -> subscriber != null, "subscriber attached");
                    inFlight.set(false);
                    subscriber.writeCompleted();
                });
            }
            return false;
        } finally {
            exit();
        }
    }

    @Override
    public void flush() {
        enter("flush");
        try {
            if (inFlight.get()) {
                violation("flush while a write is in flight");
            }
            flushes.incrementAndGet();
        } finally {
            exit();
        }
    }

    @Override
    public void close(CloseReason reason) {
        enter("close");
        try {
            closeCalls.incrementAndGet();
            synchronized (this) {
                if (closedWith == null) {
                    closedWith = reason;
                    closedAtNanos = System.nanoTime();
                }
                notifyAll();
            }
        } finally {
            exit();
        }
    }

    private void enter(String method) {
        if (active.incrementAndGet() != 1) {
            violation("concurrent call to " + method);
        }
    }

    private void exit() {
        active.decrementAndGet();
    }

    private synchronized void violation(String what) {
        violations.add(what);
    }

    // ------------------------------------------------------------------ test side

    /** Completes the pending asynchronous write, as the transport's completion callback would. */
    void completeOne() {
        assertTrue(inFlight.compareAndSet(true, false), "no write in flight to complete");
        subscriber.writeCompleted();
    }

    boolean writeInFlight() {
        return inFlight.get();
    }

    void makeWritable() {
        writable = true;
        subscriber.writePossible();
    }

    void makeUnwritable() {
        writable = false;
    }

    synchronized List<Object> items() {
        return List.copyOf(items);
    }

    synchronized int size() {
        return items.size();
    }

    List<Event> events() {
        List<Event> events = new ArrayList<>();
        for (Object item : items()) {
            if (item instanceof Event event) {
                events.add(event);
            }
        }
        return events;
    }

    synchronized List<Signal.Subscribed> announcements() {
        return List.copyOf(announcements);
    }

    /** Everything written, in order, the Subscribed announcements included. */
    synchronized List<Object> written() {
        return List.copyOf(written);
    }

    /**
     * Waits for the first write and asserts it is the subscription's announcement for exactly these topics.
     * For an asynchronous sink that write is then still in flight.
     */
    void awaitAnnouncement(String... topics) {
        Await.until(() -> writes() >= 1, Await.DEFAULT, () -> "the Subscribed announcement as first write");
        Object first = written().get(0);
        assertEquals(new Signal.Subscribed(List.of(topics)), first, "first write is the Subscribed announcement");
        assertEquals(List.of(new Signal.Subscribed(List.of(topics))), announcements());
    }

    /** {@link #awaitAnnouncement} on an asynchronous sink, then completes that write as the transport would. */
    void completeAnnouncement(String... topics) {
        awaitAnnouncement(topics);
        assertEquals(1, writes(), "nothing written before the announcement's write completed");
        assertTrue(writeInFlight(), "the announcement's write is in flight");
        completeOne();
    }

    List<Signal> signals() {
        List<Signal> signals = new ArrayList<>();
        for (Object item : items()) {
            if (item instanceof Signal signal) {
                signals.add(signal);
            }
        }
        return signals;
    }

    List<String> eventIds() {
        return events().stream().map(Event::id).toList();
    }

    List<String> eventData() {
        return events().stream().map(Event::data).toList();
    }

    int writes() {
        return writes.get();
    }

    int flushes() {
        return flushes.get();
    }

    int closeCalls() {
        return closeCalls.get();
    }

    /** System.nanoTime() of the first close. */
    long closedAtNanos() {
        return closedAtNanos;
    }

    CloseReason closedWith() {
        return closedWith;
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    void assertNoViolations() {
        assertEquals(List.of(), violations(), "sink contract violations");
    }

    /** Waits (monitor wait with a deadline) until at least n items were written. */
    void awaitItems(int n) {
        awaitItems(n, Await.DEFAULT);
    }

    synchronized void awaitItems(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (items.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("timed out waiting for " + n + " items, got " + items.size() + ": " + describeAll());
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    int eventCount() {
        return events().size();
    }

    void awaitEvents(int n) {
        Await.until(() -> eventCount() >= n, Await.DEFAULT, () -> n + " events, got " + describeAll());
    }

    void awaitClosed() {
        Await.until(() -> closedWith != null, Await.DEFAULT, () -> "sink closed; items " + describeAll());
    }

    String describeAll() {
        List<String> out = new ArrayList<>();
        for (Object item : items()) {
            out.add(describe(item));
        }
        return out.toString();
    }

    static String describe(Object item) {
        return item instanceof Event event ? event.topic() + "@" + event.id() + ":" + event.data() : String.valueOf(item);
    }
}
