package dev.herald.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client in a process of its own, so a test can freeze it with SIGSTOP: the kernel keeps its socket
 * open and acknowledges data, but nothing answers pings any more (a laptop lid closed, a hung browser).
 * {@code java -cp … dev.herald.it.IdleWebSocketClient ws://…/ws/events?topic=x [header=value …]}; prints
 * {@code subscribed} once the server confirmed, then runs until stdin closes. The JDK client answers pings itself.
 */
public final class IdleWebSocketClient {
    private IdleWebSocketClient() {
    }

    public static void main(String[] args) throws Exception {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        for (int i = 1; i < args.length; i++) {
            String[] header = args[i].split("=", 2);
            builder.header(header[0], header[1]);
        }
        builder.buildAsync(URI.create(args[0]), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                if (data.toString().contains("\"subscribed\"")) {
                    System.out.println("subscribed");
                    System.out.flush();
                }
                socket.request(1);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        try {
            while (System.in.read() >= 0) {
                // the test ends this process by closing stdin or killing it
            }
        } catch (IOException e) {
            // stdin gone: stop
        }
        System.exit(0);
    }
}
