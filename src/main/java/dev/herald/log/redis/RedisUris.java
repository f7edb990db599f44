package dev.herald.log.redis;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** herald.redis.uri as Lettuce takes it, with the timeout and the password file applied. */
final class RedisUris {
    private RedisUris() {
    }

    static RedisURI parse(RedisSettings settings) {
        return parse(settings, settings.uri().trim());
    }

    /**
     * The seed nodes of herald.redis.uri with herald.redis.cluster: comma-separated, each a full URI or just
     * {@code host:port}, which then takes the first one's scheme and credentials ({@code redis://a:1,b:2}).
     */
    static List<RedisURI> seeds(RedisSettings settings) {
        String[] parts = settings.uri().split(",");
        String first = parts[0].trim();
        int schemeEnd = first.indexOf("://");
        int hostStart = first.lastIndexOf('@') + 1;
        String inherited = schemeEnd < 0 ? "redis://" : first.substring(0, Math.max(hostStart, schemeEnd + 3));
        List<RedisURI> seeds = new ArrayList<>();
        for (String part : parts) {
            String seed = part.trim();
            if (!seed.isEmpty()) {
                seeds.add(parse(settings, seed.contains("://") ? seed : inherited + seed));
            }
        }
        return seeds;
    }

    /** A node the cluster's topology named, reached with the seeds' scheme, credentials, timeout and name. */
    static RedisURI node(RedisURI seed, String host, int port) {
        return RedisURI.builder(seed).withHost(host).withPort(port).build();
    }

    private static RedisURI parse(RedisSettings settings, String text) {
        RedisURI uri;
        try {
            uri = RedisURI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("herald.redis.uri: not a redis:// or rediss:// URI: "
                    + redact(text), e);
        }
        uri.setTimeout(settings.timeout());
        uri.setClientName("herald-" + settings.nodeId().replaceAll("[^A-Za-z0-9._-]", "_"));
        if (settings.password() != null) {
            String user = userOf(text);
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
