package dev.herald.it;

import dev.herald.bench.NchanServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The nchan peer of the load generator (bench/nchan/nginx.conf, {@link NchanServer}) does what the bench
 * relies on: SSE and WebSocket subscribers get exactly the published bodies in order, SSE resumes from
 * Last-Event-ID, and the launcher knows and stops all its processes. Needs Debian's nginx and
 * libnginx-mod-nchan (.ci/run installs them): without them this test fails, it does not skip.
 */
class NchanPeerIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int WORKERS = 2;
    /** nchan's message id: {@code <publish time, epoch seconds>:<index within that second>}, e.g. 1795410476:0. */
    private static final Pattern ID = Pattern.compile("\\d+:\\d+");

    @Test
    void deliversInOrderResumesAndStopsCleanly() throws Exception {
        if (!NchanServer.available()) {
            fail("the nchan peer cannot run: " + NchanServer.unavailableReason());
        }
        Path workDir = Path.of("target", "nchan", "NchanPeerIT");
        List<Long> pids;
        NchanServer nchan = NchanServer.start(workDir, WORKERS);
        try {
            pids = nchan.pids();
            assertEquals(1 + WORKERS, pids.size(), "master + workers: " + pids);
            // nginx renames its processes: "nginx: master process <command line>", "nginx: worker process"
            assertTrue(cmdline(pids.get(0)).startsWith("nginx: master process"), cmdline(pids.get(0)));
            for (long worker : pids.subList(1, pids.size())) {
                // a fresh worker carries the master's command line until it has set its own title
                Poll.until(() -> cmdline(worker).trim().equals("nginx: worker process"),
                        () -> "worker " + worker + " titled; is: " + cmdline(worker));
            }

            try (Sse sse = Sse.open(nchan, "t", null); Ws ws = Ws.open(nchan, "t")) {
                awaitLive(nchan, "t", sse, ws);

                List<String> bodies = List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
                List<String> ids = new ArrayList<>();
                for (String body : bodies) {
                    ids.add(publish(nchan, "t", body));
                }

                // SSE frames: "id: 1795410476:0" / "data: {"n":1}" / "" -- the id nchan answered on publish
                List<Sse.Event> events = List.of(sse.next(), sse.next(), sse.next());
                assertEquals(bodies, events.stream().map(Sse.Event::data).toList());
                assertEquals(ids, events.stream().map(Sse.Event::id).toList());
                for (String id : ids) {
                    assertTrue(ID.matcher(id).matches(), "nchan id <time>:<tag>, not " + id);
                }
                // WebSocket: each message body as one plain text frame, no envelope and no id
                assertEquals(bodies, List.of(ws.next(), ws.next(), ws.next()));

                // nothing more (a heartbeat would come only after 15 s)
                assertNull(sse.events.poll(200, TimeUnit.MILLISECONDS));
                assertNull(ws.messages.poll(1, TimeUnit.MILLISECONDS));

                // resume after the first message: nchan replays 2 and 3 from its buffer, then goes live
                try (Sse resumed = Sse.open(nchan, "t", ids.get(0))) {
                    Sse.Event second = resumed.next();
                    Sse.Event third = resumed.next();
                    assertEquals(List.of(bodies.get(1), bodies.get(2)), List.of(second.data(), third.data()));
                    assertEquals(ids.subList(1, 3), List.of(second.id(), third.id()));
                    assertNull(resumed.events.poll(200, TimeUnit.MILLISECONDS));
                }
            }
        } finally {
            nchan.close();
        }

        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                    "nginx process " + pid + " still running after close()");
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", nchan.port()).close(),
                "nothing listens on the port after close()");
    }

    private static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until both subscriptions are live. A subscriber on a worker that does not own the channel is
     * registered with the owner by IPC, asynchronously. The channel's subscriber count does not tell when that
     * is done (GET on the publisher location answers the view of whichever worker got the request: seen
     * stuck at 1 of 2 for 30 s), and nchan_stub_status's total is not documented to. So: publish warm-up
     * messages until both have received the latest one; nothing published before it is still on its way.
     */
    private static void awaitLive(NchanServer nchan, String topic, Sse sse, Ws ws) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (int n = 0; System.nanoTime() < deadline; n++) {
            String warmup = "warmup-" + n;
            HttpResponse<String> published = post(nchan, topic, warmup);
            assertTrue(published.statusCode() == 201 || published.statusCode() == 202, published.body());
            if (received(sse.events, warmup, Sse.Event::data) && received(ws.messages, warmup, m -> m)) {
                return;
            }
        }
        fail("subscribers not live within " + TIMEOUT);
    }

    /** Takes warm-up messages off the queue until {@code expected}; false if it does not come within 500 ms. */
    private static <T> boolean received(BlockingQueue<T> queue, String expected,
            Function<T, String> body) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        while (true) {
            T item = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (item == null) {
                return false;
            }
            String text = body.apply(item);
            assertTrue(text.startsWith("warmup-"), "unexpected message before the test's: " + text);
            if (text.equals(expected)) {
                return true;
            }
        }
    }

    /** POST to the publisher location; the id nchan gave the message. */
    private static String publish(NchanServer nchan, String topic, String body) {
        HttpResponse<String> response = post(nchan, topic, body);
        // 201: published with subscribers present (202: none)
        assertEquals(201, response.statusCode(), response.body());
        return json(response.body()).getString("last_message_id");
    }

    private static HttpResponse<String> post(NchanServer nchan, String topic, String body) {
        return Http.send(Http.request(nchan.publishUri(topic))
                .header("Accept", "text/json").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(TIMEOUT).build());
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    /** An EventSource subscriber: events (id + data) in order; comments such as ": hi" are skipped. */
    private static final class Sse implements AutoCloseable {
        record Event(String id, String data) {
        }

        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private final InputStream body;

        private Sse(InputStream body) {
            this.body = body;
            Thread reader = new Thread(this::read, "nchan-sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static Sse open(NchanServer nchan, String topic, String lastEventId) {
            HttpRequest.Builder request = Http.request(nchan.sseUri(topic)).header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            try {
                HttpResponse<InputStream> response = Http.CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, response.statusCode());
                assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                        response.headers().toString());
                return new Sse(response.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        Event next() throws InterruptedException {
            Event event = events.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(event, "no SSE event within " + TIMEOUT);
            return event;
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String id = null;
                StringBuilder data = null;
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.isEmpty()) {
                        if (data != null) {
                            events.add(new Event(id, data.toString()));
                        }
                        id = null;
                        data = null;
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("data:")) {
                        String value = line.substring(line.startsWith("data: ") ? 6 : 5);
                        data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    }
                }
            } catch (IOException e) {
                // closed by the test or by nginx
            }
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    /** A WebSocket subscriber: whole text messages in order. */
    private static final class Ws implements WebSocket.Listener, AutoCloseable {
        private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static Ws open(NchanServer nchan, String topic) {
            Ws ws = new Ws();
            ws.socket = Http.CLIENT.newWebSocketBuilder().connectTimeout(TIMEOUT)
                    .buildAsync(nchan.wsUri(topic), ws).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
            return ws;
        }

        String next() throws InterruptedException {
            String message = messages.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(message, "no WebSocket message within " + TIMEOUT);
            return message;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
