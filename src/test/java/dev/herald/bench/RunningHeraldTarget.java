package dev.herald.bench;

import dev.herald.it.Http;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * A Herald the load generator did not start ({@code --targets url:http://127.0.0.1:8080}, deployed at the
 * context root). Memory and CPU are read only with {@code --pid} (the server's JVM, same user: jcmd and
 * /proc); the connection gauge only where GET /metrics answers (Payara).
 */
final class RunningHeraldTarget implements Target {
    private final URI root;
    private final String token;
    private final long pid;

    RunningHeraldTarget(URI root, String token, long pid) {
        if (root.getPort() < 0 || !"http".equals(root.getScheme())) {
            throw new IllegalArgumentException("url: http://host:port of a running Herald, not " + root);
        }
        this.root = root;
        this.token = token;
        this.pid = pid;
    }

    @Override
    public String label(String transport) {
        return transport.equals("ws") ? "Herald " + root.getAuthority() + " WebSocket"
                : "Herald " + root.getAuthority() + " SSE";
    }

    @Override
    public String host() {
        return root.getHost();
    }

    @Override
    public int port() {
        return root.getPort();
    }

    @Override
    public Dialect dialect() {
        return Dialect.HERALD;
    }

    @Override
    public URI publishUri(String topic) {
        return root.resolve("/api/topics/" + topic);
    }

    @Override
    public String authorization() {
        return token == null ? null : "Bearer " + token;
    }

    @Override
    public Sample sample() {
        if (pid <= 0) {
            return new Sample(-1, -1, 0, 0);
        }
        return Sample.ofJvm(pid);
    }

    @Override
    public double cpuSeconds() {
        return pid <= 0 ? 0 : ProcStats.cpuSeconds(List.of(pid));
    }

    @Override
    public long connections(String transport) {
        return (long) HeraldTarget.sum(metrics(), "herald_connections{", transport, null);
    }

    @Override
    public String overflowCounters(String transport) {
        return HeraldTarget.overflowCounters(metrics(), transport);
    }

    /** GET /metrics, or "" where the server has none there (WildFly exports over OTLP). */
    private String metrics() {
        try {
            HttpResponse<String> answer = Http.send(HttpRequest.newBuilder(root.resolve("/metrics"))
                    .timeout(Duration.ofSeconds(10)).build());
            return answer.statusCode() == 200 ? answer.body() : "";
        } catch (RuntimeException e) {
            return "";
        }
    }

    @Override
    public String logProblems() {
        return "";
    }

    @Override
    public void close() {
        // not ours to stop
    }
}
