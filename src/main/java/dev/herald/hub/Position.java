package dev.herald.hub;

/**
 * A place in an {@link EventLog}, owned by the log that made it. Only that log compares or interprets
 * positions (an in-memory log uses {@code <epoch>-<sequence>}, a partitioned log a vector over partitions);
 * the hub and the transports only carry them and print {@link #id()} to clients, who treat it as opaque.
 */
public interface Position {
    /** The text clients see as the event id and send back as {@code Last-Event-ID}. */
    String id();
}
