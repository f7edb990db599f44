package dev.herald.transport;

import dev.herald.json.JsonSupport;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** An error answer written by a servlet or filter: the status and {@code {"error":…,"message":…}}. */
public final class HttpErrors {
    private HttpErrors() {
    }

    public static void write(HttpServletResponse response, int status, String reason, String message)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        byte[] body = JsonSupport.error(reason, message).getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
