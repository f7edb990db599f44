package dev.herald.hub;

import java.util.ArrayList;
import java.util.List;

/**
 * Overflow policy per topic pattern, first match wins. Patterns: an exact name, a prefix glob such as
 * {@code sensors.*}, or {@code *}. Topics matching nothing use drop-oldest.
 */
public final class TopicPolicies {
    private record Rule(TopicSelector selector, OverflowPolicy policy) {
    }

    private final List<Rule> rules;

    private TopicPolicies(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Parses {@code pattern=policy[,pattern=policy…]}, e.g. {@code prices=conflate:symbol,*=drop-oldest}. */
    public static TopicPolicies parse(String spec) {
        List<Rule> rules = new ArrayList<>();
        if (spec != null) {
            for (String entry : spec.split(",")) {
                if (entry.isBlank()) {
                    continue;
                }
                int eq = entry.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("policy entry '" + entry.trim() + "' is not pattern=policy");
                }
                rules.add(new Rule(new TopicSelector(entry.substring(0, eq).trim()),
                        OverflowPolicy.parse(entry.substring(eq + 1))));
            }
        }
        return new TopicPolicies(rules);
    }

    public OverflowPolicy forTopic(String topic) {
        for (Rule rule : rules) {
            if (rule.selector.matches(topic)) {
                return rule.policy;
            }
        }
        return OverflowPolicy.DROP_OLDEST;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Rule rule : rules) {
            text.append(text.length() == 0 ? "" : ",").append(rule.selector).append('=').append(rule.policy);
        }
        return text.toString();
    }
}
