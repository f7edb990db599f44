package dev.herald.transport.sse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JAX-RS engine's send pool: bounded threads, and giving up the longest-stuck call when all are stuck. */
class BlockingSendPoolTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final BlockingSendPool pool = new BlockingSendPool(2, 10);

    @AfterEach
    void stop() {
        release.countDown();
        pool.close();
    }

    private Runnable stuck(CountDownLatch started) {
        return () -> {
            started.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    @Test
    void whenEveryThreadIsStuckTheLongestWaitingCallIsGivenUpOnce() throws Exception {
        // written by the watchdog thread
        List<String> givenUp = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(1);
        assertTrue(pool.execute(stuck(first), () -> givenUp.add("first")));
        assertTrue(first.await(5, TimeUnit.SECONDS));
        assertTrue(pool.execute(stuck(second), () -> givenUp.add("second")));
        assertTrue(second.await(5, TimeUnit.SECONDS));

        // both threads stuck, but not yet for a second: a queued call gives nobody up
        AtomicInteger ran = new AtomicInteger();
        assertTrue(pool.execute(ran::incrementAndGet, () -> givenUp.add("queued")));
        assertEquals(List.of(), givenUp);

        // a second on, the watchdog gives up the longest-stuck call, then the next; each once
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (givenUp.size() < 2 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(BlockingSendPool.CHECK_MILLIS);
        }
        assertEquals(List.of("first", "second"), givenUp);
        assertTrue(pool.execute(ran::incrementAndGet, () -> givenUp.add("queued too")));
        assertEquals(List.of("first", "second"), givenUp, "nothing left to give up");
        assertEquals(0, ran.get(), "queued calls wait for a thread");

        release.countDown();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ran.get() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(2, ran.get(), "queued calls run once threads come back");
    }

    @Test
    void aFullQueueRefusesTheCall() throws Exception {
        BlockingSendPool tiny = new BlockingSendPool(1, 1);
        try {
            CountDownLatch started = new CountDownLatch(1);
            assertTrue(tiny.execute(stuck(started), () -> { }));
            assertTrue(started.await(5, TimeUnit.SECONDS));
            assertTrue(tiny.execute(() -> { }, () -> { }), "one waits");
            assertEquals(false, tiny.execute(() -> { }, () -> { }), "the next is refused");
        } finally {
            release.countDown();
            tiny.close();
        }
    }
}
