package dev.herald.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads one SSE response body as it arrives: undoes HTTP/1.1 chunked transfer coding when the head asked
 * for it, splits lines and hands every complete event (id, event type, data) to a listener. Comments
 * (heartbeats) and retry hints are skipped.
 */
final class SseReader {
    interface Listener {
        void event(String id, String type, String data) throws IOException;
    }

    private static final int MAX_LINE = 1 << 20;
    private final boolean chunked;
    /** Bytes left in the current chunk; -1 while reading a chunk-size line, -2 while skipping its CRLF. */
    private long chunkLeft = -1;
    private final StringBuilder sizeLine = new StringBuilder(8);
    private byte[] line = new byte[128];
    private int lineLength;
    private String id;
    private String type;
    private StringBuilder data;

    SseReader(boolean chunked) {
        this.chunked = chunked;
    }

    void feed(ByteBuffer bytes, Listener listener) throws IOException {
        while (bytes.hasRemaining()) {
            if (!chunked) {
                body(bytes.get(), listener);
                continue;
            }
            if (chunkLeft == -1) {
                chunkSize(bytes.get());
            } else if (chunkLeft == -2) {
                if (bytes.get() == '\n') {
                    chunkLeft = -1;
                }
            } else if (chunkLeft == 0) {
                chunkLeft = -2;
            } else {
                int n = (int) Math.min(chunkLeft, bytes.remaining());
                for (int i = 0; i < n; i++) {
                    body(bytes.get(), listener);
                }
                chunkLeft -= n;
                if (chunkLeft == 0) {
                    chunkLeft = -2; // the CRLF after the chunk's data
                }
            }
        }
    }

    private void chunkSize(byte b) throws IOException {
        if (b == '\n') {
            String hex = sizeLine.toString().trim();
            int extension = hex.indexOf(';');
            if (extension >= 0) {
                hex = hex.substring(0, extension).trim(); // "5 ;ext" (whitespace before ';' is allowed)
            }
            sizeLine.setLength(0);
            if (hex.isEmpty()) {
                return; // the CRLF that ends the previous chunk, when it arrives split
            }
            long size = Long.parseLong(hex, 16);
            if (size == 0) {
                throw new IOException("the server ended the event stream");
            }
            chunkLeft = size;
        } else if (sizeLine.length() < 32) {
            sizeLine.append((char) b);
        } else {
            throw new IOException("malformed chunk size line");
        }
    }

    private void body(byte b, Listener listener) throws IOException {
        if (b == '\n') {
            int end = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
            String text = new String(line, 0, end, StandardCharsets.UTF_8);
            lineLength = 0;
            line(text, listener);
            return;
        }
        if (lineLength == line.length) {
            if (line.length >= MAX_LINE) {
                throw new IOException("SSE line longer than " + MAX_LINE + " bytes");
            }
            line = java.util.Arrays.copyOf(line, line.length * 2);
        }
        line[lineLength++] = b;
    }

    private void line(String text, Listener listener) throws IOException {
        if (text.isEmpty()) {
            if (data != null) {
                String eventData = data.toString();
                String eventType = type;
                data = null;
                type = null;
                listener.event(id, eventType, eventData);
            }
            type = null;
            return;
        }
        if (text.charAt(0) == ':') {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "id" -> id = value;
            case "event" -> type = value;
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value.length());
                } else {
                    data.append('\n');
                }
                data.append(value);
            }
            default -> {
                // retry hints and unknown fields do not matter here
            }
        }
    }
}
