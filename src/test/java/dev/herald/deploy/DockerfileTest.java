package dev.herald.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Dockerfiles of the compose stack, checked without an engine (no image can be pulled here): every COPY
 * from the build context exists and is not excluded by .dockerignore, every COPY from the build stage is
 * something the project's Maven build makes, and every base image is pinned.
 */
class DockerfileTest {
    private static final Pattern COPY = Pattern.compile("^COPY\\s+(.*)$", Pattern.MULTILINE);
    private static final Pattern FROM = Pattern.compile("^FROM\\s+(\\S+)", Pattern.MULTILINE);

    /** The sources of each COPY line, with its --from stage or null. */
    private record Copy(String stage, List<String> sources) {
    }

    private static List<Copy> copies(String dockerfile) {
        List<Copy> copies = new ArrayList<>();
        Matcher line = COPY.matcher(StackFiles.text(dockerfile));
        while (line.find()) {
            List<String> words = new ArrayList<>(Arrays.asList(line.group(1).trim().split("\\s+")));
            String stage = null;
            while (words.get(0).startsWith("--")) {
                String flag = words.remove(0);
                if (flag.startsWith("--from=")) {
                    stage = flag.substring("--from=".length());
                }
            }
            copies.add(new Copy(stage, words.subList(0, words.size() - 1)));
        }
        return copies;
    }

    private static List<String> dockerIgnored() {
        return StackFiles.text(".dockerignore").lines().map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    }

    private static void assertContextSourcesExist(String dockerfile) {
        List<String> ignored = dockerIgnored();
        List<Copy> fromContext = copies(dockerfile).stream().filter(copy -> copy.stage() == null).toList();
        assertFalse(fromContext.isEmpty(), dockerfile + " copies from the build context");
        for (Copy copy : fromContext) {
            for (String source : copy.sources()) {
                assertTrue(Files.exists(StackFiles.ROOT.resolve(source)), dockerfile + ": COPY source " + source);
                for (String pattern : ignored) {
                    assertFalse(source.equals(pattern) || source.startsWith(pattern + "/"),
                            dockerfile + ": " + source + " is excluded by .dockerignore (" + pattern + ")");
                }
            }
        }
    }

    @Test
    void everyCopyFromTheContextExistsAndReachesTheBuild() {
        assertContextSourcesExist("Dockerfile");
        assertContextSourcesExist("k6/Dockerfile");
    }

    @Test
    void theRuntimeStageTakesWhatTheMavenBuildMakes() {
        String pom = StackFiles.text("pom.xml");
        // what stage 1's mvn package + dependency:unpack@wildfly-dist leave in target/ (pom.xml says where)
        assertTrue(pom.contains("<finalName>herald</finalName>"), "the WAR is target/herald.war");
        assertTrue(pom.contains("<outputDirectory>${project.build.directory}/payara</outputDirectory>"),
                "Payara Micro goes to target/payara");
        assertTrue(pom.contains("<id>wildfly-dist</id>") && pom.contains(
                "<outputDirectory>${project.build.directory}/wildfly</outputDirectory>"), "WildFly goes to target/wildfly");
        assertTrue(StackFiles.text("Dockerfile").contains("dependency:unpack@wildfly-dist"),
                "stage 1 runs the pom's wildfly-dist execution");
        List<String> fromBuild = copies("Dockerfile").stream().filter(copy -> "build".equals(copy.stage()))
                .flatMap(copy -> copy.sources().stream()).sorted().toList();
        assertEquals(List.of("/build/target/herald.war", "/build/target/payara", "/build/target/wildfly"), fromBuild);
    }

    @Test
    void theRuntimeStageHasTheScriptsWhereTheyLookForTheirFiles() {
        // run.sh finds the project as ../../.. of itself: src/main/<runtime>/ must sit next to target/
        List<String> sources = copies("Dockerfile").stream().filter(copy -> copy.stage() == null)
                .flatMap(copy -> copy.sources().stream()).toList();
        assertTrue(sources.containsAll(List.of("src/main/payara", "src/main/wildfly")), sources.toString());
        String dockerfile = StackFiles.text("Dockerfile");
        assertTrue(dockerfile.contains("COPY --chown=herald:herald src/main/payara ./src/main/payara"), "payara");
        assertTrue(dockerfile.contains("COPY --chown=herald:herald src/main/wildfly ./src/main/wildfly"), "wildfly");
        // without a command (docker run herald:local) the image runs the README's Payara run command
        assertTrue(dockerfile.contains("CMD [\"bash\", \"src/main/payara/run.sh\"]"), "default command");
    }

    @Test
    void everyBaseImageIsPinnedAndTheRuntimeIsJdk17() {
        for (String dockerfile : List.of("Dockerfile", "k6/Dockerfile")) {
            Matcher from = FROM.matcher(StackFiles.text(dockerfile));
            int images = 0;
            while (from.find()) {
                images++;
                assertTrue(from.group(1).matches("[^:]+:[^:]*\\d[^:]*"), dockerfile + ": " + from.group(1) + " pinned");
            }
            assertEquals(2, images, dockerfile + ": a build stage and a runtime stage");
        }
        Matcher from = FROM.matcher(StackFiles.text("Dockerfile"));
        from.find();
        from.find();
        assertTrue(from.group(1).startsWith("eclipse-temurin:17"), "one JDK 17 runtime for both servers");
    }
}
