package dev.herald.bench;

import dev.herald.it.HeraldServer;

import java.net.URI;
import java.util.List;

/** A push server under load: where clients connect and publish, and how its memory and CPU are read. */
interface Target extends AutoCloseable {
    /** Row label, e.g. "Herald/Payara SSE servlet". */
    String label(String transport);

    /** The servers the generator starts listen on loopback. */
    default String host() {
        return "127.0.0.1";
    }

    int port();

    /** The nodes of a target of several ({@link MultiNodeTarget}); a one-node target is its only node. */
    default List<Target> nodes() {
        return List.of(this);
    }

    Dialect dialect();

    URI publishUri(String topic);

    /** The Authorization header value for publishes, or null. */
    String authorization();

    /**
     * Heap used and committed after a full GC (KB; -1 where the server has no managed heap), resident
     * memory (PSS, KB) and CPU seconds so far. PSS is read after the GC's tool has exited.
     */
    Sample sample();

    /** CPU seconds the server processes used so far (no GC, unlike {@link #sample}). */
    double cpuSeconds();

    /** The server's own count of open subscribers of the transport, or -1 if it has none. */
    long connections(String transport);

    /** Events the server dropped and subscribers it closed for being slow, or "" if it does not say. */
    String overflowCounters(String transport);

    /** What the server's log says went wrong (OutOfMemoryError, too many open files), "" if nothing. */
    String logProblems();

    @Override
    void close();

    record Sample(long heapUsedKb, long heapCommittedKb, long pssKb, double cpuSeconds) {

        /** A JVM of this user by pid: heap after a full GC (jcmd), then PSS and CPU from /proc. */
        static Sample ofJvm(long pid) {
            HeraldServer.Heap heap = HeraldServer.heapAfterGc(pid);
            List<Long> pids = List.of(pid);
            return new Sample(heap.usedBytes() / 1024, heap.committedBytes() / 1024, ProcStats.pssKb(pids),
                    ProcStats.cpuSeconds(pids));
        }
    }
}
