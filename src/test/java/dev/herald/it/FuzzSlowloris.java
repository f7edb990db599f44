package dev.herald.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.herald.it.FuzzRun.expect;

/**
 * Slowloris for {@link FuzzIT}: request heads that never complete, against the container settings of
 * src/main/wildfly/configure.cli (request-parse-timeout 30 s: the head must be complete 30 s after it began, however
 * slowly bytes keep coming) and src/main/payara/preboot.asadmin (Grizzly has no deadline for a head; its idle
 * timeout, timeout-seconds 30 s, closes a connection silent that long). On WildFly a byte keeps coming every 2 s;
 * on Payara the head stops. Either way the container closes the connection without an answer, between 30 s and
 * 30 s + margin after the head's last timer start; Herald never sees the request.
 */
final class FuzzSlowloris {
    static final int HEADER_TIMEOUT_SECONDS = 30;
    private static final int MARGIN_SECONDS = 10;

    private FuzzSlowloris() {
    }

    static List<FuzzRun.Case> cases(int port, boolean wildFly, Random random, int count) {
        List<FuzzRun.Case> cases = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String head = "GET /api/events?topic=fuzz.slowloris HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow-" + i + ": ";
            int start = 10 + random.nextInt(head.length() - 10);
            cases.add(new FuzzRun.Case((wildFly ? "a header byte every 2 s" : "a head that stops") + " after " + start
                    + " bytes", () -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = socket.getInputStream();
                    out.write(head.substring(0, start).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    long began = System.nanoTime();
                    long deadline = began + (HEADER_TIMEOUT_SECONDS + MARGIN_SECONDS) * 1_000_000_000L;
                    socket.setSoTimeout(2_000);
                    while (true) {
                        try {
                            int read = in.read();
                            expect(read < 0, "the container answered a head that never completed: byte " + read);
                            break;
                        } catch (SocketTimeoutException e) {
                            // still open: a slowloris sends its next byte (on Payara nothing, the idle timeout is what ends it)
                            if (wildFly) {
                                try {
                                    out.write('x');
                                    out.flush();
                                } catch (IOException closed) {
                                    break;
                                }
                            }
                        } catch (IOException reset) {
                            break;
                        }
                        expect(System.nanoTime() < deadline, "still open " + (HEADER_TIMEOUT_SECONDS + MARGIN_SECONDS)
                                + " s after a head that never completed");
                    }
                    double seconds = (System.nanoTime() - began) / 1e9;
                    expect(seconds >= HEADER_TIMEOUT_SECONDS - 1, "closed after " + seconds + " s: before the header timeout,"
                            + " so by something else");
                    return null;
                }
            }));
        }
        return cases;
    }
}
