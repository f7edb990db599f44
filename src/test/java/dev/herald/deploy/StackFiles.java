package dev.herald.deploy;

import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

/** The files of the compose stack, read as their tools read them, and the real tools that check them. */
final class StackFiles {
    /** The repository root: tests run with it as the working directory. */
    static final Path ROOT = Path.of("").toAbsolutePath();

    private StackFiles() {
    }

    static String text(String relative) {
        try {
            return Files.readString(ROOT.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> yaml(String relative) {
        return map(new Yaml().load(text(relative)), relative);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String what) {
        return (Map<String, Object>) assertInstanceOf(Map.class, value, what + " is a mapping");
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value, String what) {
        return (List<Object>) assertInstanceOf(List.class, value, what + " is a list");
    }

    /** What a finished command printed (stdout and stderr); fails the test when it exits non-zero. */
    static String run(Path directory, List<String> command) {
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(command + " did not finish");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                fail(command + " exited " + process.exitValue() + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.get(0) + " (installed by .ci/run)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
