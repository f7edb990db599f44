package dev.herald.bench;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The command lines of the bench programs: {@code --name value} pairs, and comma-separated lists in values. */
final class BenchArguments {
    private BenchArguments() {
    }

    /** The pairs in the order given (a name may repeat); anything else, a trailing name included, is refused. */
    static List<Map.Entry<String, String>> pairs(String... args) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + Arrays.toString(args));
            }
            pairs.add(new AbstractMap.SimpleImmutableEntry<>(args[i].substring(2), args[++i]));
        }
        return pairs;
    }

    /** "a, b,,c" -> [a, b, c]. */
    static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
