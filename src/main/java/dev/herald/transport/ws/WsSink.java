package dev.herald.transport.ws;

import dev.herald.hub.CloseReason;
import dev.herald.hub.Event;
import dev.herald.hub.Signal;
import dev.herald.hub.Sink;
import dev.herald.hub.Subscriber;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One WebSocket session as a hub sink: asynchronous sends, one at a time, completion reported by the
 * container. Heartbeats are pings, so browsers see no extra messages.
 */
final class WsSink implements Sink, SendHandler {
    private static final ByteBuffer PING = ByteBuffer.allocate(0);

    private final Session session;
    private final String clientAddress;
    private volatile Subscriber subscriber;
    /** Close code and reason for a bad client message (decided by the endpoint before closing). */
    private volatile jakarta.websocket.CloseReason badRequest;

    WsSink(Session session, String clientAddress) {
        this.session = session;
        this.clientAddress = clientAddress;
    }

    @Override
    public String clientAddress() {
        return clientAddress;
    }

    /** Pings must be answered with pongs (RFC 6455 5.5.2); the endpoint reports them to the subscriber. */
    @Override
    public boolean answersHeartbeats() {
        return true;
    }

    @Override
    public void attach(Subscriber subscriber) {
        this.subscriber = subscriber;
    }

    Session session() {
        return session;
    }

    Subscriber subscriber() {
        return subscriber;
    }

    void badRequest(jakarta.websocket.CloseReason.CloseCode code, String reason, String message) {
        badRequest = new jakarta.websocket.CloseReason(code, WsCloses.reasonText(reason, message));
    }

    @Override
    public String transport() {
        return "ws";
    }

    @Override
    public boolean canWrite() {
        return true;
    }

    @Override
    public boolean write(Event event) {
        session.getAsyncRemote().sendText(event.frame(WsFrames.EVENT), this);
        return false;
    }

    @Override
    public boolean write(Signal signal) {
        if (signal instanceof Signal.Heartbeat) {
            try {
                session.getAsyncRemote().sendPing(PING.duplicate());
                return true;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        session.getAsyncRemote().sendText(WsFrames.signal(signal), this);
        return false;
    }

    @Override
    public void onResult(SendResult result) {
        Subscriber current = subscriber;
        if (current == null) {
            return;
        }
        if (result.isOK()) {
            current.writeCompleted();
        } else {
            current.writeFailed(result.getException());
        }
    }

    @Override
    public void flush() {
        // every WebSocket send is a complete frame on its way out
    }

    @Override
    public boolean buffersWrites() {
        return false;
    }

    @Override
    public void close(CloseReason reason) {
        jakarta.websocket.CloseReason close = reason == CloseReason.BAD_REQUEST && badRequest != null
                ? badRequest : WsCloses.forReason(reason);
        try {
            if (session.isOpen()) {
                session.close(close);
            }
        } catch (IOException | RuntimeException e) {
            // the peer is gone already; the session is released by the container
        }
    }
}
