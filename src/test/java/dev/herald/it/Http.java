package dev.herald.it;

import java.net.http.HttpClient;
import java.time.Duration;

/** One HTTP/1.1 client for the tests: no h2c upgrade attempts, which Grizzly answers inconsistently. */
final class Http {
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {
    }
}
