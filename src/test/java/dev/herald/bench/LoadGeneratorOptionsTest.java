package dev.herald.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadGeneratorOptionsTest {
    @TempDir
    Path dir;

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
        assertEquals(Map.of(), options.wars());
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

    private Path war(String name) throws IOException {
        return Files.writeString(dir.resolve(name), "PK");
    }

    @Test
    void warOptionsMapLabelsToFilesAndMayRepeat() throws IOException {
        Path before = war("herald-before.war");
        Path old = war("herald-old.war");
        LoadGenerator.Options options = parse("--targets", "payara:servlet,payara:servlet@before,wildfly:jaxrs@old",
                "--war", "before=" + before, "--war", "old=" + old);

        assertEquals(List.of("payara:servlet", "payara:servlet@before", "wildfly:jaxrs@old"), options.targets());
        assertEquals(Map.of("before", before, "old", old), options.wars());
        assertEquals(List.of("before", "old"), List.copyOf(options.wars().keySet()), "in the order given");
        assertTrue(options.toString().contains("wars={before=" + before), options.toString());
    }

    @Test
    void aWarNeedNotBeUsedByATarget() throws IOException {
        Path before = war("herald-before.war");
        assertEquals(Map.of("before", before), parse("--war", "before=" + before).wars());
    }

    @Test
    void targetWithAnUnknownWarLabelIsRejected() throws IOException {
        Path before = war("herald-before.war");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--targets", "payara:servlet@befor", "--war", "before=" + before));
        assertTrue(e.getMessage().contains("payara:servlet@befor") && e.getMessage().contains("'befor'")
                && e.getMessage().contains("--war befor=") && e.getMessage().contains("[before]"), e.getMessage());

        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> parse("--targets", "wildfly:servlet@before"));
        assertTrue(none.getMessage().contains("unknown WAR label 'before'"), none.getMessage());
    }

    @Test
    void missingWarFileIsRejected() {
        Path missing = dir.resolve("nowhere/herald-before.war");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--targets", "payara:servlet@before", "--war", "before=" + missing));
        assertTrue(e.getMessage().contains("no such file " + missing), e.getMessage());
        // a directory is not a WAR file either
        assertThrows(IllegalArgumentException.class, () -> parse("--war", "before=" + dir));
    }

    @Test
    void malformedWarOptionsAreRejected() throws IOException {
        Path before = war("herald-before.war");
        for (String value : List.of(before.toString(), "=" + before, "before=", "bad label=" + before,
                "@before=" + before)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("--war", value),
                    value);
            assertTrue(e.getMessage().contains("--war"), e.getMessage());
        }
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> parse("--war", "before=" + before, "--war", "before=" + before));
        assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
    }

    @Test
    void onlyHeraldTargetsTheGeneratorStartsTakeAVariant() throws IOException {
        Path before = war("herald-before.war");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--targets", "nchan@before", "--war", "before=" + before));
        assertTrue(e.getMessage().contains("nchan@before"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> parse("--targets", "payara:servlet@", "--war", "before=" + before));
        // a URL may hold an @: url: specs are taken as they are
        assertEquals(List.of("url:http://bench@127.0.0.1:8080"),
                parse("--targets", "url:http://bench@127.0.0.1:8080").targets());
    }

    @Test
    void planRunsTheVariantsOfAServerBackToBack() throws IOException {
        Path before = war("herald-before.war");
        LoadGenerator.Options options = parse("--targets",
                "payara:servlet,nchan,payara:servlet@before,payara:jaxrs@before", "--transports", "sse,ws",
                "--connections", "100,200", "--war", "before=" + before);

        List<String> runs = LoadGenerator.plan(options).stream()
                .map(r -> r.target() + " " + r.transport() + " " + r.connections()).toList();

        assertEquals(List.of(
                "payara:servlet sse 100", "payara:servlet@before sse 100",
                "payara:servlet sse 200", "payara:servlet@before sse 200",
                "payara:servlet ws 100", "payara:servlet@before ws 100",
                "payara:servlet ws 200", "payara:servlet@before ws 200",
                "nchan sse 100", "nchan sse 200", "nchan ws 100", "nchan ws 200",
                // the jaxrs engine has no WebSocket rows, with or without a variant
                "payara:jaxrs@before sse 100", "payara:jaxrs@before sse 200"), runs);
    }

    @Test
    void planWithoutVariantsKeepsTheOrderOfTheOptions() {
        LoadGenerator.Options options = parse("--targets", "wildfly:servlet,payara:jaxrs", "--transports", "sse,ws",
                "--connections", "100,200");
        List<String> runs = LoadGenerator.plan(options).stream()
                .map(r -> r.target() + " " + r.transport() + " " + r.connections()).toList();
        assertEquals(List.of("wildfly:servlet sse 100", "wildfly:servlet sse 200", "wildfly:servlet ws 100",
                "wildfly:servlet ws 200", "payara:jaxrs sse 100", "payara:jaxrs sse 200"), runs);
    }

    @Test
    void aTargetOfSeveralNodesRunsOncePerPlacement() throws IOException {
        Path r1 = war("herald-r1.war");
        LoadGenerator.Options options = parse("--targets", "payara:servlet@r1,payara:servlet@r1+payara:servlet@r1",
                "--war", "r1=" + r1, "--transports", "sse", "--subscribe-to", "all,last",
                "--publish-to", "first,last");
        assertEquals(List.of("all", "last"), options.subscribeTo());
        assertEquals(List.of("first", "last"), options.publishTo());
        List<String> runs = LoadGenerator.plan(options).stream()
                .map(r -> r.target() + " " + r.placement().describe(TargetSpec.nodesOf(r.target()).size())).toList();
        assertEquals(List.of(
                "payara:servlet@r1 1 nodes, subscribers on all, publishes to 1",
                "payara:servlet@r1+payara:servlet@r1 2 nodes, subscribers on all, publishes to 1",
                "payara:servlet@r1+payara:servlet@r1 2 nodes, subscribers on all, publishes to 2",
                "payara:servlet@r1+payara:servlet@r1 2 nodes, subscribers on 2, publishes to 1",
                "payara:servlet@r1+payara:servlet@r1 2 nodes, subscribers on 2, publishes to 2"), runs);
        assertTrue(options.toString().contains("subscribeTo=[all, last], publishTo=[first, last]"), options.toString());
    }

    @Test
    void placementDefaultsToSpreadSubscribersAndTheFirstNode() throws IOException {
        Path r1 = war("herald-r1.war");
        LoadGenerator.Options options = parse("--targets", "payara:servlet@r1+wildfly:servlet@r1", "--war", "r1=" + r1);
        assertEquals(List.of("all"), options.subscribeTo());
        assertEquals(List.of("first"), options.publishTo());
        assertFalse(options.toString().contains("publishTo"), options.toString());
    }

    @Test
    void badPlacementsAndNodeListsAreRejected() throws IOException {
        Path r1 = war("herald-r1.war");
        String two = "payara:servlet@r1+payara:servlet@r1";
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--targets", two, "--war", "r1=" + r1,
                "--publish-to", "3")).getMessage().contains("only 2 nodes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--targets", two, "--war", "r1=" + r1,
                "--subscribe-to", "any")).getMessage().startsWith("--subscribe-to"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--publish-to", "any"))
                .getMessage().contains("several nodes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--targets", "payara:servlet@r1+nchan",
                "--war", "r1=" + r1)).getMessage().contains("'nchan'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--targets",
                "payara:servlet@r1+payara:servlet@r2", "--war", "r1=" + r1)).getMessage().contains("'r2'"));
    }

    @Test
    void theUsageTextDocumentsSeveralNodes() {
        assertTrue(LoadGenerator.USAGE.contains("payara:servlet@r1+payara:servlet@r1"));
        assertTrue(LoadGenerator.USAGE.contains("--publish-to first|last|any|N"));
        assertTrue(LoadGenerator.USAGE.contains("--subscribe-to all|first|last|N"));
    }
}
