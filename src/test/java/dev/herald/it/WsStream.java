package dev.herald.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A WebSocket client on the JDK HttpClient; frames are parsed into {@link Received} items. */
public final class WsStream extends EventStream implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<int[]> closeCode = new CompletableFuture<>();
    private final CompletableFuture<String> subscribed = new CompletableFuture<>();
    private volatile String closeReason;
    private volatile int pings;
    private WebSocket socket;

    /** Opens and waits until the server confirms the subscription with its "subscribed" frame. */
    public static WsStream open(HeraldServer server, String query) {
        return open(server, query, Map.of());
    }

    /** The same with handshake headers (Authorization, Cookie). */
    public static WsStream open(HeraldServer server, String query, Map<String, String> headers) {
        WsStream stream = connect(server, query, headers);
        try {
            stream.subscribed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("no subscribed frame for " + query + "; closed with " + stream.closeReason, e);
        }
        return stream;
    }

    /** Opens without waiting for the subscription (for requests the server refuses). */
    public static WsStream connect(HeraldServer server, String query) {
        return connect(server, query, Map.of());
    }

    public static WsStream connect(HeraldServer server, String query, Map<String, String> headers) {
        WsStream stream = new WsStream();
        try {
            WebSocket.Builder builder = Http.CLIENT.newWebSocketBuilder();
            headers.forEach(builder::header);
            stream.socket = builder
                    .buildAsync(server.wsUri("/ws/events?" + query), stream).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot open WebSocket " + query, e);
        }
        return stream;
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            JsonObject frame = Json.createReader(new StringReader(text)).readObject();
            String type = frame.getString("type", null);
            if ("subscribed".equals(type)) {
                subscribed.complete(text);
            } else if (type == null) {
                add(new Received("event", frame.getString("id"), frame.getString("topic"),
                        frame.get("data").toString()));
            } else {
                add(new Received(type, null, null, text));
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        pings++;
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason = reason;
        closeCode.complete(new int[] {statusCode});
        subscribed.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason));
        end();
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.complete(new int[] {-1});
        subscribed.completeExceptionally(error);
        end();
    }

    public int pings() {
        return pings;
    }

    /** Waits for the server's close frame; returns its code. */
    public int awaitCloseCode() {
        try {
            return closeCode.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)[0];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("no close frame within " + TIMEOUT, e);
        }
    }

    public String closeReason() {
        return closeReason;
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }
}
