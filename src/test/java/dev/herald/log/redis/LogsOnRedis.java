package dev.herald.log.redis;

import dev.herald.it.RedisServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixture of the Redis log tests on one real redis-server: the server lives for the test class, starts
 * every test empty with fresh command statistics, and the logs ("nodes") a test starts are closed after it.
 * Register it as a static field; read {@link #server()} and {@link #logs()} from instance fields.
 */
final class LogsOnRedis implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final Path directory;
    private final List<RedisEventLog> logs = new ArrayList<>();
    private RedisServer server;

    LogsOnRedis(String directory) {
        this.directory = Path.of(directory);
    }

    RedisServer server() {
        return server;
    }

    /** The logs the current test started, in order; add each one as it starts. */
    List<RedisEventLog> logs() {
        return logs;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = RedisServer.start(directory, true);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        server.call("FLUSHALL");
        server.call("CONFIG", "RESETSTAT");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        logs.forEach(RedisEventLog::close);
        logs.clear();
    }
}
