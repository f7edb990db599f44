package dev.herald.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadGeneratorOptionsTest {

    private static LoadGenerator.Options parse(String... args) {
        return LoadGenerator.Options.parse(args);
    }

    @Test
    void holdIsTheDefaultScenario() {
        LoadGenerator.Options options = parse();
        assertEquals("hold", options.scenario());
        assertEquals(List.of("payara:servlet"), options.targets());
        assertEquals(List.of("sse", "ws"), options.transports());
        assertEquals(List.of(1000), options.connections());
        assertEquals(2.0, options.rate());
        assertEquals(20.0, options.seconds());
        assertEquals(250.0, options.p99LimitMillis());
        assertEquals(0, options.payloadBytes());
        assertEquals(List.of(1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0), options.rates());
        assertEquals(0.01, options.slowFraction());
        assertEquals(0.2, options.stormFraction());
        assertEquals(200, options.batch());
        assertEquals(100, options.warmup());
        assertEquals("512m", options.maxHeap());
        assertEquals(2, options.nchanWorkers());
        assertTrue(options.out().startsWith(Path.of("target", "bench")), options.out().toString());
        assertTrue(options.out().getFileName().toString().startsWith("hold-"), options.out().toString());
    }

    @Test
    void slowDefaultsToFasterRateAndPaddedEvents() {
        LoadGenerator.Options options = parse("--scenario", "slow");
        // slow consumers must fill their buffers within the run
        assertEquals(20.0, options.rate());
        assertEquals(4096, options.payloadBytes());
        assertEquals(20.0, options.seconds());
    }

    @Test
    void soakDefaultsToTenMinutes() {
        LoadGenerator.Options options = parse("--scenario", "soak");
        assertEquals(600.0, options.seconds());
        assertEquals(2.0, options.rate());
        assertEquals(0, options.payloadBytes());
    }

    @Test
    void fanoutDefaultsToFifteenSecondsPerRate() {
        assertEquals(15.0, parse("--scenario", "fanout").seconds());
        assertEquals(20.0, parse("--scenario", "storm").seconds());
    }

    @Test
    void givenValuesBeatScenarioDefaults() {
        LoadGenerator.Options options = parse("--scenario", "slow", "--rate", "5", "--payload-bytes", "0",
                "--seconds", "3.5");
        assertEquals(5.0, options.rate());
        assertEquals(0, options.payloadBytes());
        assertEquals(3.5, options.seconds());
    }

    @Test
    void listsAreCommaSeparatedAndTrimmed() {
        LoadGenerator.Options options = parse("--targets", "payara:servlet, wildfly:jaxrs,nchan,",
                "--transports", "ws", "--connections", "1000, 5000,20000", "--rates", "0.5,200");
        assertEquals(List.of("payara:servlet", "wildfly:jaxrs", "nchan"), options.targets());
        assertEquals(List.of("ws"), options.transports());
        assertEquals(List.of(1000, 5000, 20_000), options.connections());
        assertEquals(List.of(0.5, 200.0), options.rates());
    }

    @Test
    void scalarOptions() {
        LoadGenerator.Options options = parse("--p99-limit-ms", "100", "--slow-fraction", "0.05",
                "--storm-fraction", "0.5", "--batch", "50", "--warmup", "0", "--xmx", "1g", "--nchan-workers", "4",
                "--out", "/tmp/bench-out");
        assertEquals(100.0, options.p99LimitMillis());
        assertEquals(0.05, options.slowFraction());
        assertEquals(0.5, options.stormFraction());
        assertEquals(50, options.batch());
        assertEquals(0, options.warmup());
        assertEquals("1g", options.maxHeap());
        assertEquals(4, options.nchanWorkers());
        assertEquals(Path.of("/tmp/bench-out"), options.out());
    }

    @Test
    void unknownOptionIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--scenario", "hold", "--conections", "1000"));
        assertTrue(e.getMessage().contains("--conections"), e.getMessage());
    }

    @Test
    void unknownScenarioIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("--scenario", "burst"));
        assertTrue(e.getMessage().contains("burst"), e.getMessage());
    }

    @Test
    void optionWithoutValueIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> parse("--scenario"));
        assertThrows(IllegalArgumentException.class, () -> parse("--scenario", "hold", "--rate"));
    }

    @Test
    void valueWithoutOptionIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> parse("hold"));
        assertThrows(IllegalArgumentException.class, () -> parse("--scenario", "hold", "fanout"));
    }

    @Test
    void thePublishTokenNeverAppearsInTheOptionsText() {
        LoadGenerator.Options options = LoadGenerator.Options.parse("--targets", "url:http://127.0.0.1:8080",
                "--token", "s3cret-token", "--pid", "42");

        assertEquals("s3cret-token", options.token());
        assertEquals(42, options.pid());
        assertFalse(options.toString().contains("s3cret-token"), options.toString());
    }
}
