package dev.herald.hub;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A broadcaster double that behaves like Jersey's: each member gets the events in broadcast order, later, on
 * a shared pool, and members are served in no particular order relative to each other.
 */
final class TestBroadcastGroups implements BroadcastGroup.Factory {
    private final Executor pool;
    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    /** Groups not closed yet. */
    final Map<List<String>, Group> open = new ConcurrentHashMap<>();

    TestBroadcastGroups(Executor pool) {
        this.pool = pool;
    }

    @Override
    public BroadcastGroup create(List<String> topics) {
        created.incrementAndGet();
        Group group = new Group(topics);
        open.put(topics, group);
        return group;
    }

    final class Group implements BroadcastGroup {
        private final List<String> topics;
        final Map<Subscriber, Member> members = new ConcurrentHashMap<>();
        private volatile boolean isClosed;

        Group(List<String> topics) {
            this.topics = topics;
        }

        @Override
        public void broadcast(Event event) {
            for (Member member : members.values()) {
                member.enqueue(event);
            }
        }

        @Override
        public void add(Subscriber member) {
            if (!isClosed) {
                members.put(member, new Member(member));
            }
        }

        @Override
        public void remove(Subscriber member) {
            members.remove(member);
        }

        @Override
        public void close() {
            isClosed = true;
            members.clear();
            open.remove(topics, this);
            closed.incrementAndGet();
        }
    }

    /** One member's events, handed over one at a time in order on the pool. */
    private final class Member {
        private final Subscriber subscriber;
        private final Queue<Event> pending = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean draining = new AtomicBoolean();

        Member(Subscriber subscriber) {
            this.subscriber = subscriber;
        }

        void enqueue(Event event) {
            pending.add(event);
            if (draining.compareAndSet(false, true)) {
                pool.execute(this::drain);
            }
        }

        private void drain() {
            while (true) {
                Event next;
                while ((next = pending.poll()) != null) {
                    subscriber.offerBroadcast(next);
                }
                draining.set(false);
                if (pending.isEmpty() || !draining.compareAndSet(false, true)) {
                    return;
                }
            }
        }
    }
}
