package dev.herald.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A text/event-stream client on the JDK HttpClient, parsing frames as EventSource does. */
public final class SseStream extends EventStream {
    private final HttpResponse<InputStream> response;
    private final Thread reader;
    private final List<String> rawLines = new ArrayList<>();
    /** Also gets every item, or null. */
    private final Consumer<Received> also;

    private SseStream(HttpResponse<InputStream> response, Consumer<Received> also) {
        this.response = response;
        this.also = also;
        this.reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static SseStream open(HeraldServer server, String query, String lastEventIdHeader) {
        return open(server.uri("/api/events?" + query), lastEventIdHeader, null);
    }

    /** A stream at any URI (a load balancer's); {@code also} receives every item too (may be null). */
    public static SseStream open(URI uri, String lastEventIdHeader, Consumer<Received> also) {
        return open(uri, lastEventIdHeader, also, java.util.Map.of());
    }

    /** The same with request headers (Authorization, Cookie, Origin). */
    public static SseStream open(URI uri, String lastEventIdHeader, Consumer<Received> also,
                                 java.util.Map<String, String> headers) {
        HttpRequest.Builder request = Http.request(uri).header("Accept", "text/event-stream");
        headers.forEach(request::header);
        if (lastEventIdHeader != null) {
            request.header("Last-Event-ID", lastEventIdHeader);
        }
        try {
            HttpResponse<InputStream> response = Http.CLIENT
                    .send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            return new SseStream(response, also);
        } catch (IOException e) {
            throw new AssertionError("cannot open " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    protected void add(Received item) {
        super.add(item);
        if (also != null) {
            also.accept(item);
        }
    }

    public int status() {
        return response.statusCode();
    }

    public HttpHeaders headers() {
        return response.headers();
    }

    /** Every line received, including comments and retry fields. */
    public synchronized List<String> rawLines() {
        return List.copyOf(rawLines);
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = null;
            String line;
            while ((line = lines.readLine()) != null) {
                synchronized (this) {
                    rawLines.add(line);
                }
                if (line.isEmpty()) {
                    if (data != null) {
                        String name = event == null ? "message" : event;
                        if (name.equals("herald.reset")) {
                            add(new Received("reset", null, null, data.toString()));
                        } else if (name.equals("herald.dropped")) {
                            add(new Received("dropped", null, null, data.toString()));
                        } else {
                            add(new Received("event", id, name, data.toString()));
                        }
                    }
                    id = null;
                    event = null;
                    data = null;
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    String value = line.substring(5);
                    value = value.startsWith(" ") ? value.substring(1) : value;
                    data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                }
            }
        } catch (IOException e) {
            // closed by the test or the server
        } finally {
            end();
        }
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            // already closed
        }
    }
}
