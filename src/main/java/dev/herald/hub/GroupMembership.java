package dev.herald.hub;

import java.util.List;

/** A broadcast group of one topic set and how many subscribers it serves (guarded by the registry lock). */
final class GroupMembership {
    final List<String> topics;
    final BroadcastGroup group;
    /** Written under the registry lock; read without it for the fan-out's subscriber count. */
    volatile int members;

    GroupMembership(List<String> topics, BroadcastGroup group) {
        this.topics = topics;
        this.group = group;
    }
}
