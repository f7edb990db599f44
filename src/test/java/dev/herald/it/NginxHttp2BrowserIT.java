package dev.herald.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.JavascriptExecutor;

import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Why the nginx template offers HTTPS with HTTP/2: a real Chromium page opens 8 EventSource streams at once
 * through nginx. Over HTTPS they share one HTTP/2 connection and all 8 get their event; over nginx's plain
 * HTTP port (HTTP/1.1) Chromium opens at most 6 connections per origin, so 6 streams get their event and the
 * other 2 stay waiting for a connection. The control proves that the first test measures HTTP/2. Herald's
 * X-Herald-Node response header passes through nginx.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class NginxHttp2BrowserIT {
    private static final int STREAMS = 8;
    /** Chromium's limit of HTTP/1.1 connections per origin (its socket pool's per-group limit). */
    private static final int HTTP1_CONNECTIONS_PER_ORIGIN = 6;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return HeraldDeployment.common("servlet");
    }

    private static Chromium chromium;
    private static JavascriptExecutor page;
    private static LoadBalancer nginx;

    @BeforeAll
    static void browser() {
        chromium = Chromium.start("--ignore-certificate-errors");
        page = (JavascriptExecutor) chromium.driver();
    }

    @AfterAll
    static void stop() {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            if (nginx != null) {
                nginx.close();
            }
        }
    }

    private LoadBalancer nginx() {
        if (nginx == null) {
            nginx = LoadBalancer.start(Path.of("target/nginx-h2"), List.of(HeraldDeployment.server(base)));
        }
        return nginx;
    }

    @Test
    void eightStreamsOfOnePageAllGetTheirEventOverHttp2() {
        List<String> topics = topics("h2");
        open(nginx().httpsUri(STYLESHEET), topics);
        assertEquals("h2", protocol(), "the page came over HTTP/2");
        String node = new Publisher(HeraldDeployment.server(base)).get(STYLESHEET).headers()
                .firstValue("X-Herald-Node").orElseThrow();
        assertEquals(node, page.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch(arguments[0]).then(r => done(r.headers.get('X-Herald-Node')), e => done(String(e)));",
                STYLESHEET), "X-Herald-Node passes through nginx unchanged");
        Poll.until(() -> count("open") == STREAMS, () -> "all 8 streams open: " + state());

        List<String> ids = publishOneEach(topics);
        Poll.until(() -> ids.equals(received()), () -> "each stream got its event " + ids + ": " + state());
    }

    @Test
    void overHttp1OnlySixOfTheEightStreamsConnect() {
        List<String> topics = topics("h1");
        open(nginx().uri(STYLESHEET), topics);
        assertEquals("http/1.1", protocol(), "plain HTTP is HTTP/1.1");
        Poll.until(() -> count("open") == HTTP1_CONNECTIONS_PER_ORIGIN, () -> "6 streams open: " + state());

        List<String> ids = publishOneEach(topics);
        Poll.until(() -> count("received") == HTTP1_CONNECTIONS_PER_ORIGIN, () -> "6 streams got their event: " + state());
        Poll.staysTrue(() -> count("received") == HTTP1_CONNECTIONS_PER_ORIGIN
                        && count("waiting") == STREAMS - HTTP1_CONNECTIONS_PER_ORIGIN,
                Duration.ofSeconds(3), "streams 7 and 8 wait for a connection: " + state());
        List<String> got = received();
        assertEquals(HTTP1_CONNECTIONS_PER_ORIGIN, IntStream.range(0, STREAMS)
                .filter(i -> ids.get(i).equals(got.get(i))).count(), "the 6 open streams got their own events: " + got);
    }

    /**
     * A same-origin page that opens no stream of its own (the dashboard at / would take one of the 6
     * HTTP/1.1 connections): the stylesheet, shown as a text document.
     */
    private static final String STYLESHEET = "/style.css";

    private static List<String> topics(String prefix) {
        return IntStream.range(0, STREAMS).mapToObj(i -> ScaleOutIT.unique(prefix + i)).toList();
    }

    /** Loads {@code uri} and opens one EventSource per topic at once; window.streams records what each saw. */
    private static void open(URI uri, List<String> topics) {
        chromium.driver().get(uri.toString());
        page.executeScript("window.streams = arguments[0].map(topic => {"
                + "  const stream = {source: new EventSource('/api/events?topic=' + topic), opened: false, id: null};"
                + "  stream.source.onopen = () => stream.opened = true;"
                + "  stream.source.addEventListener(topic, e => stream.id = e.lastEventId);"
                + "  return stream;"
                + "});", topics);
    }

    private List<String> publishOneEach(List<String> topics) {
        Publisher publisher = new Publisher(HeraldDeployment.server(base));
        List<String> ids = new ArrayList<>();
        for (String topic : topics) {
            ids.add(publisher.publish(topic, "{\"topic\":\"" + topic + "\"}"));
        }
        return ids;
    }

    private static String protocol() {
        return (String) page.executeScript("return performance.getEntriesByType('navigation')[0].nextHopProtocol;");
    }

    /** Streams that are open ("open"), got their event ("received"), or still wait to connect ("waiting"). */
    private static long count(String what) {
        return ((Number) page.executeScript("return window.streams.filter(s => arguments[0] === 'open' ? s.opened"
                + " : arguments[0] === 'received' ? s.id !== null"
                + " : s.source.readyState === EventSource.CONNECTING && !s.opened).length;", what)).longValue();
    }

    /** Each stream's event id, or null: in the order of the topics. */
    @SuppressWarnings("unchecked")
    private static List<String> received() {
        return new ArrayList<>((List<String>) page.executeScript("return window.streams.map(s => s.id);"));
    }

    @SuppressWarnings("unchecked")
    private static String state() {
        return ((List<Map<String, Object>>) page.executeScript("return window.streams.map(s => ({readyState:"
                + " s.source.readyState, opened: s.opened, id: s.id}));")).toString();
    }
}
