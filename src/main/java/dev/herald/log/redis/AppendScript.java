package dev.herald.log.redis;

import dev.herald.hub.EventLog;
import dev.herald.hub.HubException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one atomic append (append.lua next to this class): the Idempotency-Key check, {@code XADD MAXLEN ~},
 * {@code XTRIM MINID ~} and the key's entry, in one script on the stream's master. Sent by its SHA (EVALSHA);
 * a Redis that does not know it yet (restarted, failed over) gets the text once (EVAL).
 */
final class AppendScript {
    private static final String TEXT = load("append.lua");
    private static final String SHA = sha1Hex(TEXT);

    private final RedisSettings settings;

    AppendScript(RedisSettings settings) {
        this.settings = settings;
    }

    /** Appends to the partition on its master; completes with the entry's position in the partition's stream. */
    CompletableFuture<RedisPosition> run(RedisAsyncCommands<String, String> redis, Partition partition,
                                         EventLog.Append append) {
        String[] keys = append.idempotencyKey() == null
                ? new String[] {partition.streamKey(), partition.metaKey()}
                : new String[] {partition.streamKey(), partition.metaKey(), idempotencyKey(partition, append)};
        long deadline = System.currentTimeMillis() + settings.timeout().toMillis();
        String[] args = {newEpoch(), Long.toString(settings.streamMaxEvents()),
                Long.toString(settings.maxAge().toMillis()), Long.toString(deadline), StreamEntries.FORMAT,
                append.topic(), append.data(), orEmpty(append.conflationKey()), orEmpty(append.traceParent()),
                append.fingerprint() == null ? "" : HexFormat.of().formatHex(append.fingerprint()),
                Long.toString(settings.maxAge().toMillis())};
        CompletableFuture<List<Object>> reply = redis.<List<Object>>evalsha(SHA, ScriptOutputType.MULTI, keys, args)
                .toCompletableFuture()
                .exceptionallyCompose(failure -> unwrap(failure) instanceof RedisNoScriptException
                        ? redis.<List<Object>>eval(TEXT, ScriptOutputType.MULTI, keys, args).toCompletableFuture()
                        : CompletableFuture.failedFuture(failure));
        CompletableFuture<RedisPosition> stored = reply.thenApply(result -> positionOf(result, append));
        RedisSettings.ReplicaWait wait = settings.replicaWait();
        return wait.replicas() == 0 ? stored : stored.thenCompose(position -> replicated(redis, wait, position));
    }

    /**
     * WAIT on the connection that wrote: Redis answers how many replicas have every write of this connection so
     * far, this append included (a duplicate's original too, so a retry after a timeout waits again). The
     * connection is shared by this node's publishes, so they wait in turn: WAIT holds the connection.
     */
    private static CompletableFuture<RedisPosition> replicated(RedisAsyncCommands<String, String> redis,
                                                               RedisSettings.ReplicaWait wait, RedisPosition position) {
        return redis.waitForReplication(wait.replicas(), wait.timeout().toMillis()).toCompletableFuture()
                .thenApply(acknowledged -> {
                    if (acknowledged < wait.replicas()) {
                        throw new HubException(HubException.Reason.REPLICATION_TIMEOUT, "stored as " + position.id()
                                + ", but " + acknowledged + " of " + wait.replicas() + " replicas confirmed it within "
                                + wait.timeout().toMillis() + " ms (herald.redis.wait-timeout); retrying with the "
                                + "same Idempotency-Key is safe");
                    }
                    return position;
                });
    }

    private static RedisPosition positionOf(List<Object> result, EventLog.Append append) {
        String outcome = (String) result.get(0);
        switch (outcome) {
            case "ok":
                return RedisPosition.ofStreamId((String) result.get(1), (String) result.get(2));
            case "dup": {
                String[] seen = ((String) result.get(1)).split(" ", 3);
                String fingerprint = append.fingerprint() == null ? "" : HexFormat.of().formatHex(append.fingerprint());
                if (!seen[0].equals(fingerprint)) {
                    throw new HubException(HubException.Reason.IDEMPOTENCY_KEY_REUSED,
                            "this Idempotency-Key was used for another body on this topic; use a new key");
                }
                return RedisPosition.ofStreamId(seen[1], seen[2]);
            }
            case "late":
                throw new HubException(HubException.Reason.BACKPLANE_UNAVAILABLE,
                        "Redis ran the append after this node had given up on it (herald.redis.timeout); not stored");
            default:
                throw new IllegalStateException("append script answered " + result);
        }
    }

    /** Scoped to topic and key; hashed so that any key (length, bytes) makes a short, safe Redis key. */
    private static String idempotencyKey(Partition partition, EventLog.Append append) {
        byte[] digest = sha256((append.topic() + '\n' + append.idempotencyKey()).getBytes(StandardCharsets.UTF_8));
        return partition.idempotencyKeyPrefix() + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    /** The epoch a stream gets if this append creates it: 8 random base-36 characters. */
    static String newEpoch() {
        StringBuilder epoch = new StringBuilder(8);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 8; i++) {
            epoch.append(Character.forDigit(random.nextInt(36), 36));
        }
        return epoch.toString();
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    /** A Lua script next to this class. */
    static String load(String name) {
        try (InputStream in = AppendScript.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the WAR");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name, e);
        }
    }

    private static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
