package dev.herald.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * HTTP/1.1 over a plain socket, for requests no HTTP client would send (huge or countless headers, bodies
 * that lie, bytes trickled one by one): one request per connection ({@code Connection: close}), so no
 * pooled connection stays open in the server after the exchange.
 */
final class RawHttp {
    /** What came back: status -1 when the server closed (or reset) the connection without an answer. */
    record Answer(int status, Map<String, String> headers, String body) {
        boolean closedWithoutAnswer() {
            return status < 0;
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** Whether Herald wrote the body: {"error":…} JSON (containers answer their own refusals in HTML or empty). */
        boolean fromHerald() {
            return header("content-type") != null && header("content-type").startsWith("application/json")
                    && body.startsWith("{\"error\":");
        }

        @Override
        public String toString() {
            return status < 0 ? "connection closed without an answer"
                    : status + " " + body.substring(0, Math.min(160, body.length()));
        }
    }

    /** How long an answer may take to arrive in full. */
    private static final long READ_TIMEOUT_NANOS = 20_000_000_000L;

    private RawHttp() {
    }

    /** A request with Host and Connection: close; Content-Length when there is a body. */
    static byte[] request(String method, String target, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\nConnection: close\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body != null && !headers.containsKey("Transfer-Encoding")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        byte[] start = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[start.length + (body == null ? 0 : body.length)];
        System.arraycopy(start, 0, all, 0, start.length);
        if (body != null) {
            System.arraycopy(body, 0, all, start.length, body.length);
        }
        return all;
    }

    /** Sends the bytes and reads the whole answer. */
    static Answer exchange(int port, byte[] request) {
        return exchange(port, request, 0, null);
    }

    /**
     * Sends the request, the first {@code pacedBytes} of it one byte at a time over about {@code pacedMillis}
     * (a slow writer; the rest at once), then reads the answer: all of it, or for a stream until
     * {@code enough} holds for the body read so far. A write the server cut short still reads its answer.
     */
    static Answer exchange(int port, byte[] request, int pacedBytes, Predicate<String> enough) {
        return exchange(port, request, pacedBytes, 2_000, enough);
    }

    static Answer exchange(int port, byte[] request, int pacedBytes, long pacedMillis, Predicate<String> enough) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            try {
                long pause = pacedBytes == 0 ? 0 : Math.max(1, pacedMillis / pacedBytes);
                for (int i = 0; i < pacedBytes; i++) {
                    out.write(request[i]);
                    out.flush();
                    // pacing a slow writer, not waiting for an outcome
                    Thread.sleep(pause);
                }
                out.write(request, pacedBytes, request.length - pacedBytes);
                out.flush();
            } catch (IOException e) {
                // the server answered and closed before it read everything (a header over its limit): read on
            }
            return read(socket.getInputStream(), enough);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reads a status line, headers and a body (Content-Length, chunked, or to the end of the stream). */
    static Answer read(InputStream in, Predicate<String> enough) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                if (head.size() >= 4 && endsWithBlankLine(head.toByteArray())) {
                    break;
                }
            }
        } catch (IOException e) {
            // reset by the server
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        if (!text.startsWith("HTTP/") || !text.endsWith("\r\n\r\n")) {
            return new Answer(-1, Map.of(), text);
        }
        String[] lines = text.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return new Answer(status, headers, body(in, headers, enough));
    }

    private static String body(InputStream in, Map<String, String> headers, Predicate<String> enough) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String length = headers.get("content-length");
        boolean chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
        long expected = length == null ? Long.MAX_VALUE : Long.parseLong(length);
        byte[] buffer = new byte[8192];
        long deadline = System.nanoTime() + READ_TIMEOUT_NANOS;
        try {
            while (body.size() < expected) {
                String sofar = body.toString(StandardCharsets.UTF_8);
                if ((enough != null && enough.test(sofar)) || (chunked && sofar.endsWith("\r\n0\r\n\r\n"))) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    // a stream kept alive by heartbeats never times out on its own
                    throw new SocketTimeoutException("answer incomplete");
                }
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, expected - body.size()));
                if (n < 0) {
                    break;
                }
                body.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            if (enough != null) {
                throw new AssertionError("stream incomplete after 20 s: " + body.toString(StandardCharsets.UTF_8), e);
            }
        } catch (IOException e) {
            // reset after the answer
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    private static boolean endsWithBlankLine(byte[] bytes) {
        int n = bytes.length;
        return bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n';
    }
}
