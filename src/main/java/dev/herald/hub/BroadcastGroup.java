package dev.herald.hub;

import java.util.List;

/**
 * A fan-out owned by a transport (the JAX-RS engine's {@code SseBroadcaster}) that serves every local
 * subscriber of one topic set. The hub keeps one group per distinct topic set and hands it each event of
 * those topics on the log's delivery thread, one at a time, in log order; the group passes the event to each
 * member with {@link Subscriber#offerBroadcast(Event)}. A subscriber belongs to exactly one group, so the
 * events of all its topics reach it in log order whatever order the group's fan-out uses among members.
 */
public interface BroadcastGroup {
    /** Hands one event to every member; must not block (members only enqueue). */
    void broadcast(Event event);

    /**
     * Adds a member: every event broadcast after this returns reaches it. Called without any hub lock;
     * may run after {@link #close()} when the member closed meanwhile, and must then do nothing.
     */
    void add(Subscriber member);

    /** The member has closed; it must receive nothing more. */
    void remove(Subscriber member);

    /** The last member left: release the fan-out. */
    void close();

    /** Makes the group of one topic set; called under the hub's registry lock, so it must be quick. */
    interface Factory {
        BroadcastGroup create(List<String> topics);
    }
}
