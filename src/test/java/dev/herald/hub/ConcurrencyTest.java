package dev.herald.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Publishers, subscribers and closers on many threads at once. Every subscriber that stays must see each
 * event of its topics from its subscription point exactly once, in id order.
 */
class ConcurrencyTest extends HubTestSupport {
    private static final String[] TOPICS = {"t0", "t1", "t2", "t3", "t4", "t5"};
    private static final int PUBLISHERS = 4;
    private static final int PER_PUBLISHER = 2_500;
    private static final int STABLE_THREADS = 2;
    private static final int STABLE_PER_THREAD = 8;
    private static final int CHURN_THREADS = 2;

    /** A subscriber that stays until the end. Live: subscribed between ids lower and upper. Resumed: from lower. */
    private record Stable(TestSink sink, Subscriber subscriber, Set<String> topics, boolean resumed, long lower,
                          long upper) {
    }

    private record Churned(TestSink sink, boolean async, Set<String> everSubscribed) {
    }

    private static List<String> randomTopics() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<String> all = new ArrayList<>(List.of(TOPICS));
        Collections.shuffle(all, random);
        return List.copyOf(all.subList(0, 1 + random.nextInt(3)));
    }

    /** grouped: every subscriber is fed by a broadcast group of its topic set (the JAX-RS engine's path). */
    @ParameterizedTest(name = "grouped={0}")
    @ValueSource(booleans = {false, true})
    void everyStayingSubscriberSeesAGapFreeDuplicateFreeIdOrderedStream(boolean grouped) throws Exception {
        Hub hub = hub(settings()
                .withQueue(1_000_000, 1L << 40)
                .withHistory(1_000_000, 1L << 40, Duration.ofMinutes(5))
                .withLimits(1_000, 64, 10_000));
        ExecutorService completer = Executors.newFixedThreadPool(2);
        ExecutorService broadcasterPool = Executors.newFixedThreadPool(2);
        TestBroadcastGroups groups = grouped ? new TestBroadcastGroups(broadcasterPool) : null;
        ConcurrentLinkedQueue<Event> published = new ConcurrentLinkedQueue<>();
        AtomicInteger publishedCount = new AtomicInteger();
        List<Stable> stable = Collections.synchronizedList(new ArrayList<>());
        List<Churned> churned = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean publishing = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int total = PUBLISHERS * PER_PUBLISHER;
        List<Thread> threads = new ArrayList<>();

        for (int p = 0; p < PUBLISHERS; p++) {
            threads.add(new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < PER_PUBLISHER; i++) {
                    String topic = TOPICS[random.nextInt(TOPICS.length)];
                    published.add(publish(hub, topic, "{\"i\":" + i + "}"));
                    publishedCount.incrementAndGet();
                }
            }, "publisher-" + p));
        }
        for (int s = 0; s < STABLE_THREADS; s++) {
            int thread = s;
            threads.add(new Thread(() -> {
                for (int k = 0; k < STABLE_PER_THREAD; k++) {
                    // spread subscriptions over the whole publishing period
                    int progress = (int) ((long) total * (k * STABLE_THREADS + thread) / (STABLE_PER_THREAD * STABLE_THREADS + 1));
                    Await.until(() -> publishedCount.get() >= progress || !publishing.get(), "publishing progress");
                    TestSink sink = switch (k % 3) {
                        case 0 -> TestSink.sync();
                        case 1 -> TestSink.asyncAuto(completer);
                        default -> TestSink.asyncCompletingInline();
                    };
                    List<String> topics = randomTopics();
                    if (k % 2 == 0) {
                        long position = sequenceOf(log(hub).lastId());
                        Hub.Subscription subscription = hub.subscribe(topics, id(position), sink, groups);
                        assertNull(subscription.reset(), "nothing is evicted here: resume must be exact");
                        stable.add(new Stable(sink, subscription.subscriber(), Set.copyOf(topics), true, position, position));
                    } else {
                        long lower = sequenceOf(log(hub).lastId());
                        Hub.Subscription subscription = hub.subscribe(topics, null, sink, groups);
                        long upper = sequenceOf(log(hub).lastId());
                        stable.add(new Stable(sink, subscription.subscriber(), Set.copyOf(topics), false, lower, upper));
                    }
                }
            }, "stable-" + s));
        }
        for (int c = 0; c < CHURN_THREADS; c++) {
            threads.add(new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                // at least a few rounds each, however the scheduler treats this thread on a busy machine
                for (int round = 0; publishing.get() || round < 10; round++) {
                    int kind = random.nextInt(4);
                    TestSink sink = switch (kind) {
                        case 0 -> TestSink.sync();
                        case 1 -> TestSink.notWritable();
                        case 2 -> TestSink.asyncAuto(completer);
                        default -> TestSink.async(); // never completes
                    };
                    Set<String> ever = new HashSet<>(randomTopics());
                    String from = random.nextBoolean() ? null : id(Math.max(0, sequenceOf(log(hub).lastId()) - random.nextInt(50)));
                    Subscriber subscriber = hub.subscribe(List.copyOf(ever), from, sink, groups).subscriber();
                    List<String> more = randomTopics();
                    // a broadcast group's topic set is fixed (SSE); WebSocket subscribers change theirs
                    if (!grouped && random.nextBoolean() && ever.size() + more.size() <= 64) {
                        hub.addTopics(subscriber, more);
                        ever.addAll(more);
                    }
                    if (!grouped && random.nextBoolean()) {
                        hub.removeTopics(subscriber, List.of(TOPICS[random.nextInt(TOPICS.length)]));
                    }
                    Thread.yield();
                    if (random.nextBoolean()) {
                        hub.close(subscriber, CloseReason.CLIENT_GONE);
                    } else {
                        subscriber.writeFailed(new IOException("gone"));
                    }
                    churned.add(new Churned(sink, kind >= 2, ever));
                }
            }, "churn-" + c));
        }
        for (Thread t : threads) {
            t.setUncaughtExceptionHandler((th, e) -> failure.compareAndSet(null, e));
            t.start();
        }
        for (int p = 0; p < PUBLISHERS; p++) {
            threads.get(p).join(15_000);
        }
        publishing.set(false);
        for (Thread t : threads) {
            t.join(15_000);
            assertTrue(!t.isAlive(), t.getName() + " finished");
        }
        if (failure.get() != null) {
            throw new AssertionError("a worker thread failed", failure.get());
        }

        List<Event> all = new ArrayList<>(published);
        all.sort(Comparator.comparingLong(Event::sequence));
        assertEquals(total, all.size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i + 1, all.get(i).sequence(), "published ids have no gaps");
        }
        assertEquals(STABLE_THREADS * STABLE_PER_THREAD, stable.size());

        for (Stable s : stable) {
            List<Long> ofTopics = all.stream().filter(e -> s.topics().contains(e.topic())).map(Event::sequence).toList();
            List<Long> mustHave = ofTopics.stream().filter(seq -> seq > s.upper()).toList();
            if (!mustHave.isEmpty()) {
                long last = mustHave.get(mustHave.size() - 1);
                Await.until(() -> {
                    List<Event> got = s.sink().events();
                    return !got.isEmpty() && got.get(got.size() - 1).sequence() >= last;
                }, Duration.ofSeconds(10), () -> "stable subscriber to " + s.topics() + " got up to " + last);
            }
            List<Long> received = s.sink().events().stream().map(Event::sequence).toList();
            String who = (s.resumed() ? "resumed" : "live") + " subscriber to " + s.topics() + " between "
                    + s.lower() + " and " + s.upper();
            for (int i = 1; i < received.size(); i++) {
                assertTrue(received.get(i) > received.get(i - 1), who + ": strictly increasing at " + i);
            }
            long from;
            if (s.resumed()) {
                from = s.lower() + 1;
            } else {
                from = received.isEmpty() ? s.upper() + 1 : received.get(0);
                assertTrue(from > s.lower(), who + ": nothing from before the subscription, first " + from);
                assertTrue(ofTopics.stream().noneMatch(seq -> seq > s.upper() && seq < from),
                        who + ": nothing missed after subscribe returned, first " + from);
            }
            List<Long> expected = ofTopics.stream().filter(seq -> seq >= from).toList();
            assertEquals(expected, received, who + ": exactly the events of its topics from its subscription point");
            assertEquals(List.of(), s.sink().signals(), who + ": no reset, no drop");
            s.sink().assertNoViolations();
        }

        for (Churned c : churned) {
            List<Event> got = c.sink().events();
            for (int i = 1; i < got.size(); i++) {
                assertTrue(got.get(i).sequence() > got.get(i - 1).sequence(), "churned subscriber in id order");
            }
            for (Event e : got) {
                assertTrue(c.everSubscribed().contains(e.topic()), "only its topics");
            }
            if (!c.async()) {
                c.sink().awaitClosed();
            }
            c.sink().assertNoViolations();
        }
        assertTrue(churned.size() > 10, "churn happened: " + churned.size());

        for (Stable s : stable) {
            hub.close(s.subscriber(), CloseReason.CLIENT_GONE);
        }
        Await.until(() -> hub.connectionCount() == 0, "all connections closed");
        assertEquals(metrics.openedCount(), metrics.closedTotal(), metrics.toString());
        assertEquals(STABLE_THREADS * STABLE_PER_THREAD + churned.size(), metrics.openedCount());
        for (Stable s : stable) {
            s.sink().awaitClosed();
        }
        completer.shutdown();
        assertTrue(completer.awaitTermination(5, TimeUnit.SECONDS));
        broadcasterPool.shutdown();
        assertTrue(broadcasterPool.awaitTermination(5, TimeUnit.SECONDS));
        if (grouped) {
            assertTrue(groups.created.get() > 1, "groups were made: " + groups.created);
            assertEquals(groups.created.get(), groups.closed.get(), "every group closed with its last member");
            assertEquals(Set.of(), groups.open.keySet());
        }
        if (failure.get() != null) {
            fail(failure.get());
        }
    }

    @Test
    void concurrentSubscribeAndCloseLeaveNoConnectionBehind() throws Exception {
        // the connection limit is generous on purpose: a tight one trips the writer-queue bug shown below
        Hub hub = hub(settings().withLimits(1_000, 64, 10_000));
        int threads = 6;
        int perThread = 300;
        CountDownLatch done = new CountDownLatch(threads);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger refused = new AtomicInteger();
        Thread publisher = new Thread(() -> {
            while (done.getCount() > 0) {
                publish(hub, TOPICS[ThreadLocalRandom.current().nextInt(TOPICS.length)], "{}");
            }
        });
        publisher.setUncaughtExceptionHandler((t, e) -> failure.compareAndSet(null, e));
        publisher.start();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    for (int i = 0; i < perThread; i++) {
                        try {
                            Subscriber subscriber = hub.subscribe(randomTopics(), null, TestSink.sync()).subscriber();
                            assertTrue(hub.connectionCount() <= threads, "only the open ones count");
                            hub.close(subscriber, CloseReason.CLIENT_GONE);
                        } catch (HubException e) {
                            assertEquals(HubException.Reason.CONNECTION_LIMIT, e.reason());
                            refused.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            });
            thread.start();
        }
        assertTrue(done.await(15, TimeUnit.SECONDS));
        publisher.join(5_000);
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(0, hub.connectionCount());
        assertEquals(threads * perThread - refused.get(), metrics.openedCount());
        assertEquals(metrics.openedCount(), metrics.closedCount(CloseReason.CLIENT_GONE));
        for (String topic : TOPICS) {
            Hub.TopicInfo info = hub.topicInfo(topic);
            assertEquals(0, info == null ? 0 : info.subscribers(), topic);
        }
    }

    @Test
    void connectionChurnWhileTheWritersAreBusyIsNotRefused() throws Exception {
        HubSettings base = settings().withLimits(1_000, 64, 2);
        HubSettings oneWriter = base.withWriterThreads(1);
        Hub hub = hub(oneWriter);
        TestSink blocker = TestSink.sync();
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        blocker.beforeWrite(item -> {
            writing.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        subscribe(hub, blocker, null, "slow");
        List<TestSink> churned = new ArrayList<>();
        try {
            publish(hub, "slow", "{}");
            assertTrue(writing.await(5, TimeUnit.SECONDS), "the only writer is busy");
            // clients connect and go away again while the writer is busy: never more than 2 connections open
            for (int i = 0; i < 100; i++) {
                TestSink sink = TestSink.sync();
                Subscriber subscriber = assertDoesNotThrow(() -> subscribe(hub, sink, null, "t").subscriber(),
                        "subscribe #" + i + " with " + hub.connectionCount() + " open connections");
                churned.add(sink);
                hub.close(subscriber, CloseReason.CLIENT_GONE);
                assertEquals(1, hub.connectionCount());
            }
        } finally {
            release.countDown();
        }
        for (TestSink sink : churned) {
            sink.awaitClosed();
        }
        assertEquals(1, hub.connectionCount());
    }
}
