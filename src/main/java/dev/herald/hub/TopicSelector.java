package dev.herald.hub;

import java.util.ArrayList;
import java.util.List;

/**
 * Names a set of topics: an exact name, a prefix glob such as {@code sensors.*} (every topic starting with
 * {@code sensors.}), or {@code *} (every topic). Used by overflow policies, token scopes and private topics.
 */
public record TopicSelector(String pattern) {
    public TopicSelector {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("an empty topic selector");
        }
        int star = pattern.indexOf('*');
        if (star >= 0 && star != pattern.length() - 1) {
            throw new IllegalArgumentException("topic selector '" + pattern + "': '*' only at the end");
        }
    }

    public boolean matches(String topic) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.endsWith("*")) {
            return topic.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return topic.equals(pattern);
    }

    /** Comma-separated selectors (blank entries ignored). */
    public static List<TopicSelector> parseList(String spec) {
        List<TopicSelector> selectors = new ArrayList<>();
        if (spec != null) {
            for (String entry : spec.split(",")) {
                if (!entry.isBlank()) {
                    selectors.add(new TopicSelector(entry.trim()));
                }
            }
        }
        return List.copyOf(selectors);
    }

    /** Whether any of the selectors matches the topic. */
    public static boolean anyMatches(List<TopicSelector> selectors, String topic) {
        for (TopicSelector selector : selectors) {
            if (selector.matches(topic)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return pattern;
    }
}
