package dev.herald.hub;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local subscribers of one topic, one concurrent set per writer lane: fan-out iterates them without
 * any lock (weakly consistent iteration is enough, see {@link Hub#subscribe}), and hands each lane its
 * slice. Membership changes happen under the hub's registry lock, which also guards {@link #size}.
 */
final class TopicSubscribers {
    final String name;
    private final Set<Subscriber>[] byLane;
    int size;

    @SuppressWarnings({"unchecked", "rawtypes"})
    TopicSubscribers(String name, int lanes) {
        this.name = name;
        this.byLane = new Set[lanes];
        for (int i = 0; i < lanes; i++) {
            byLane[i] = ConcurrentHashMap.newKeySet();
        }
    }

    Set<Subscriber> lane(int index) {
        return byLane[index];
    }

    int lanes() {
        return byLane.length;
    }

    void add(Subscriber subscriber) {
        if (byLane[subscriber.lane().index()].add(subscriber)) {
            size++;
        }
    }

    void remove(Subscriber subscriber) {
        if (byLane[subscriber.lane().index()].remove(subscriber)) {
            size--;
        }
    }
}
