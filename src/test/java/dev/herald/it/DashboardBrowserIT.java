package dev.herald.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.time.Duration;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The live dashboard in a real headless Chromium: prices published over the API show up over SSE, and
 * again after switching the page to WebSocket.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DashboardBrowserIT {
    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return HeraldDeployment.common("servlet");
    }

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static Chromium chromium;
    private static WebDriver driver;

    @BeforeAll
    static void browser() {
        chromium = Chromium.start();
        driver = chromium.driver();
    }

    @AfterAll
    static void quit() {
        if (chromium != null) {
            chromium.close();
        }
    }

    /** The element's textContent: what app.js wrote, not getText()'s CSS-transformed rendering (.badge is uppercase). */
    private static String text(String css) {
        try {
            String text = driver.findElement(By.cssSelector(css)).getDomProperty("textContent");
            return text == null ? null : text.trim();
        } catch (NoSuchElementException e) {
            return null;
        }
    }

    /** What the page shows, for failure messages. */
    private static String page() {
        return "state=" + text("#state") + " transport=" + text("#transport") + " events=" + text("#count-events")
                + " resets=" + text("#count-resets") + " reconnects=" + text("#count-reconnects")
                + " last-id=" + text("#last-id") + " last-close=" + text("#last-close")
                + " ZZTEST=" + text("tr[data-symbol=\"ZZTEST\"] td.price");
    }

    private static void await(String what, Function<WebDriver, Boolean> condition) {
        new WebDriverWait(driver, WAIT).withMessage(() -> what + "; page: " + page())
                .ignoring(NoSuchElementException.class)
                .ignoring(StaleElementReferenceException.class).until(condition);
    }

    private static void awaitConnected(String transport) {
        await("#transport " + transport + " and #state open",
                d -> transport.equals(text("#transport")) && "open".equals(text("#state")));
    }

    private static String publishPrice(Publisher publisher, String price) {
        return publisher.publish("prices", "{\"symbol\":\"ZZTEST\",\"price\":" + price + ",\"change\":0.5,\"ts\":"
                + System.currentTimeMillis() + "}");
    }

    @Test
    void showsPublishedPricesOverSseThenWebSocket() {
        HeraldServer server = HeraldDeployment.server(base);
        Publisher publisher = new Publisher(server);
        driver.get("http://127.0.0.1:" + server.port() + "/");
        awaitConnected("sse");

        String first = publishPrice(publisher, "42.42");
        await("ZZTEST at 42.42 over SSE", d -> "42.42".equals(text("tr[data-symbol=\"ZZTEST\"] td.price")));
        await("#last-id " + first, d -> first.equals(text("#last-id")));

        driver.findElement(By.id("transport-ws")).click();
        awaitConnected("ws");

        String second = publishPrice(publisher, "43.21");
        await("ZZTEST at 43.21 over WebSocket", d -> "43.21".equals(text("tr[data-symbol=\"ZZTEST\"] td.price")));
        await("#last-id " + second, d -> second.equals(text("#last-id")));

        // the switch resumed exactly from the last id: no reset, no replayed duplicate (demo feed is off)
        assertEquals("2", text("#count-events"), page());
        assertEquals("0", text("#count-resets"), page());
        assertEquals(1, driver.findElements(By.cssSelector("tr[data-symbol=\"ZZTEST\"]")).size(), page());
    }
}
