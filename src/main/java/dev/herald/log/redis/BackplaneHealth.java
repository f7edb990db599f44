package dev.herald.log.redis;

import java.lang.System.Logger.Level;

/**
 * Whether this node reaches Redis, as its reader last found: one log line when Redis is lost, one when it is
 * back (not one per failed command). Until the reader first reaches Redis the node is down. Written by the
 * reader thread only.
 */
final class BackplaneHealth {
    private static final System.Logger LOG = System.getLogger(BackplaneHealth.class.getName());

    private final String where;
    private volatile boolean up;
    private boolean downLogged;
    private long downSinceMillis;

    BackplaneHealth(String where) {
        this.where = where;
    }

    boolean up() {
        return up;
    }

    void readerUp() {
        if (!up) {
            up = true;
            if (downLogged) {
                LOG.log(Level.WARNING, "Redis backplane at {0} is back after {1} ms: publishing again, delivery"
                        + " continues from this node''s cursor", where, System.currentTimeMillis() - downSinceMillis);
            }
            downLogged = false;
        }
    }

    void readerDown(Throwable cause) {
        up = false;
        if (!downLogged) {
            downLogged = true;
            downSinceMillis = System.currentTimeMillis();
            LOG.log(Level.ERROR, "Redis backplane at {0} is unavailable ({1}): publishes answer 503 and readiness is"
                    + " DOWN until it is back; subscribers stay connected", where, cause.toString());
        }
    }
}
