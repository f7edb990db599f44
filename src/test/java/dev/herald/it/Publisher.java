package dev.herald.it;

import jakarta.json.Json;

import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/** Publishes over the real HTTP API. */
public final class Publisher {
    private final HeraldServer server;

    public Publisher(HeraldServer server) {
        this.server = server;
    }

    /** Publishes and returns the new event's id; fails the test on anything but 202. */
    public String publish(String topic, String json) {
        HttpResponse<String> response = post(topic, json, Map.of("Authorization", "Bearer " + HeraldServer.TOKEN,
                "Content-Type", "application/json"));
        if (response.statusCode() != 202) {
            throw new AssertionError("publish to " + topic + " got " + response.statusCode() + ": " + response.body());
        }
        return Json.createReader(new StringReader(response.body())).readObject().getString("id");
    }

    public HttpResponse<String> post(String topic, String body, Map<String, String> headers) {
        HttpRequest.Builder request = Http.request(server.uri("/api/topics/" + topic))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return Http.send(request.build());
    }

    public HttpResponse<String> get(String pathAndQuery) {
        return Http.send(Http.request(server.uri(pathAndQuery)).build());
    }

    /** Current value of one Prometheus series of Herald's metrics (0 if absent); see HeraldServer#metricsText. */
    public double metric(String series) {
        String text = server.metricsText();
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    /** herald_connections of one transport ("sse" or "ws"). */
    public double connections(String transport) {
        return metric("herald_connections{mp_scope=\"application\",transport=\"" + transport + "\"}");
    }

    /** herald_connections of both transports. */
    public double connections() {
        return connections("sse") + connections("ws");
    }
}
