package dev.herald.bench;

import java.util.regex.Pattern;

/**
 * A target spec as {@code --targets} names it, split into the server ({@code payara:servlet}) and an optional
 * WAR variant after {@code @} ({@code payara:servlet@before}): the variant is a label that {@code --war
 * before=path/to/herald.war} maps to a WAR file, so one run can compare two builds of Herald on the same
 * server. Only Herald targets the generator starts (payara:, wildfly:) take a variant; url: specs are taken
 * as they are (a URL may contain {@code @}).
 */
record TargetSpec(String base, String variant) {
    static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    static TargetSpec parse(String spec) {
        int at = spec.lastIndexOf('@');
        if (spec.startsWith("url:") || at < 0) {
            return new TargetSpec(spec, null);
        }
        String base = spec.substring(0, at);
        String variant = spec.substring(at + 1);
        if (!base.startsWith("payara:") && !base.startsWith("wildfly:")) {
            throw new IllegalArgumentException("target " + spec + ": only payara: and wildfly: targets take a WAR"
                    + " variant (@label)");
        }
        if (!LABEL.matcher(variant).matches()) {
            throw new IllegalArgumentException("target " + spec + ": the WAR label after @ must be letters, digits,"
                    + " '.', '_' or '-', not '" + variant + "'");
        }
        return new TargetSpec(base, variant);
    }

    /** The server part of a spec, without its variant; never throws (for grouping rows of any target). */
    static String baseOf(String spec) {
        int at = spec.lastIndexOf('@');
        return spec.startsWith("url:") || at < 0 ? spec : spec.substring(0, at);
    }

    /** The variant label of a spec, or null; never throws. */
    static String variantOf(String spec) {
        String base = baseOf(spec);
        return base.length() == spec.length() ? null : spec.substring(base.length() + 1);
    }

    /** Names of the run's directories and logs: payara-servlet, payara-servlet@before. */
    String name() {
        return base.replace(':', '-') + (variant == null ? "" : "@" + variant);
    }
}
