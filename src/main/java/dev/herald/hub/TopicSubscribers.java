package dev.herald.hub;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local subscribers of one topic: one concurrent set per writer lane for subscribers the hub offers
 * events to itself, and the broadcast groups (one per topic set containing this topic) for subscribers a
 * transport's broadcaster serves. Fan-out iterates both without any lock (weakly consistent iteration is
 * enough, see {@link Hub#subscribe}). Membership changes happen under the hub's registry lock, which also
 * guards {@link #size} (every subscriber of the topic, direct or grouped).
 */
final class TopicSubscribers {
    final String name;
    private final Set<Subscriber>[] byLane;
    private final Set<GroupMembership> groups = ConcurrentHashMap.newKeySet();
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

    Set<GroupMembership> groups() {
        return groups;
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

    /** A member of {@code group} joined; the group is listed here from its first member on. */
    void addMember(GroupMembership group) {
        groups.add(group);
        size++;
    }

    /** A member of {@code group} left; the group goes when its last member does. */
    void removeMember(GroupMembership group) {
        size--;
        if (group.members == 0) {
            groups.remove(group);
        }
    }
}
