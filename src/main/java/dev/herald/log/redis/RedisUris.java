package dev.herald.log.redis;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;

import java.time.Duration;

/** herald.redis.uri as Lettuce takes it, with the timeout and the password file applied. */
final class RedisUris {
    private RedisUris() {
    }

    static RedisURI parse(RedisSettings settings) {
        RedisURI uri;
        try {
            uri = RedisURI.create(settings.uri().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("herald.redis.uri: not a redis:// or rediss:// URI: "
                    + redact(settings.uri()), e);
        }
        uri.setTimeout(settings.timeout());
        uri.setClientName("herald-" + settings.nodeId().replaceAll("[^A-Za-z0-9._-]", "_"));
        if (settings.password() != null) {
            String user = userOf(settings.uri());
            char[] password = settings.password();
            uri.setCredentialsProvider(RedisCredentialsProvider.from(() -> RedisCredentials.just(user, password)));
        }
        return uri;
    }

    /** The user name in {@code redis://user:password@host}, or null (Redis's default user). */
    private static String userOf(String text) {
        try {
            String info = java.net.URI.create(text.trim()).getRawUserInfo();
            String user = info == null ? null : info.split(":", 2)[0];
            return user == null || user.isEmpty() ? null : java.net.URLDecoder.decode(user, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The URI with any password replaced, for logs and errors. */
    static String redact(String uri) {
        return uri == null ? null : uri.replaceAll("(?<=://)([^:@/]*):[^@/]*@", "$1:***@");
    }

    static Duration blockTime(Duration timeout) {
        // an XREAD BLOCK must return before the command timeout fires, or every idle poll would be an error
        return Duration.ofMillis(Math.max(50, Math.min(1_000, timeout.toMillis() / 2)));
    }
}
