package dev.herald.bench;

import java.net.URI;
import java.nio.file.Path;

/**
 * nginx + nchan (bench/nchan/nginx.conf) as the native peer: no managed heap, so its memory per connection
 * is the PSS growth of master and workers (nchan's shared memory included, split between them).
 */
final class NchanTarget implements Target {
    private final NchanServer server;

    private NchanTarget(NchanServer server) {
        this.server = server;
    }

    static NchanTarget start(Path workDir, int workers) {
        if (!NchanServer.available()) {
            throw new IllegalStateException("nchan target: " + NchanServer.unavailableReason());
        }
        return new NchanTarget(NchanServer.start(workDir, workers));
    }

    @Override
    public String label(String transport) {
        return transport.equals("ws") ? "nginx+nchan WebSocket" : "nginx+nchan SSE";
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public Dialect dialect() {
        return Dialect.NCHAN;
    }

    @Override
    public URI publishUri(String topic) {
        return server.publishUri(topic);
    }

    @Override
    public String authorization() {
        return null;
    }

    @Override
    public Sample sample() {
        return new Sample(-1, -1, ProcStats.pssKb(server.pids()), ProcStats.cpuSeconds(server.pids()));
    }

    @Override
    public double cpuSeconds() {
        return ProcStats.cpuSeconds(server.pids());
    }

    /** nchan_stub_status counts subscribers of every transport together. */
    @Override
    public long connections(String transport) {
        return Long.parseLong(server.status().getOrDefault("subscribers", "-1"));
    }

    @Override
    public String overflowCounters(String transport) {
        return "";
    }

    @Override
    public String logProblems() {
        String logs = server.readLogs();
        return logs.contains("Too many open files") ? "too-many-open-files" : logs.contains("[alert]")
                ? "nginx alerts in " + server.errorLog() : "";
    }

    @Override
    public void close() {
        server.close();
    }
}
