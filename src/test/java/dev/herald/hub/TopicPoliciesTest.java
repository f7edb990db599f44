package dev.herald.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TopicPoliciesTest {

    private static final OverflowPolicy CONFLATE_SYMBOL = new OverflowPolicy(OverflowPolicy.Kind.CONFLATE, "symbol");

    @Test
    void parsesEveryPolicyKind() {
        TopicPolicies policies = TopicPolicies.parse("prices=conflate:symbol, alerts = disconnect ,news=drop-oldest");
        assertEquals(CONFLATE_SYMBOL, policies.forTopic("prices"));
        assertEquals(OverflowPolicy.DISCONNECT, policies.forTopic("alerts"));
        assertEquals(OverflowPolicy.DROP_OLDEST, policies.forTopic("news"));
    }

    @Test
    void unmatchedTopicsAndEmptySpecsUseDropOldest() {
        assertEquals(OverflowPolicy.DROP_OLDEST, TopicPolicies.parse("prices=disconnect").forTopic("other"));
        assertEquals(OverflowPolicy.DROP_OLDEST, TopicPolicies.parse("").forTopic("x"));
        assertEquals(OverflowPolicy.DROP_OLDEST, TopicPolicies.parse(null).forTopic("x"));
        assertEquals(OverflowPolicy.DROP_OLDEST, TopicPolicies.parse(" , ,").forTopic("x"));
    }

    @Test
    void firstMatchWins() {
        TopicPolicies policies = TopicPolicies.parse(
                "sensors.critical=disconnect,sensors.*=conflate:symbol,*=disconnect,sensors.x=drop-oldest");
        assertEquals(OverflowPolicy.DISCONNECT, policies.forTopic("sensors.critical"));
        assertEquals(CONFLATE_SYMBOL, policies.forTopic("sensors.temp"));
        // a later, more specific rule never wins over an earlier match
        assertEquals(CONFLATE_SYMBOL, policies.forTopic("sensors.x"));
        assertEquals(OverflowPolicy.DISCONNECT, policies.forTopic("anything"));

        TopicPolicies catchAllFirst = TopicPolicies.parse("*=disconnect,prices=conflate:symbol");
        assertEquals(OverflowPolicy.DISCONNECT, catchAllFirst.forTopic("prices"));
    }

    @Test
    void patternsAreExactNamesPrefixGlobsOrStar() {
        TopicPolicies policies = TopicPolicies.parse("sensors.*=disconnect,prices=conflate:symbol");
        assertEquals(OverflowPolicy.DISCONNECT, policies.forTopic("sensors.a"));
        assertEquals(OverflowPolicy.DISCONNECT, policies.forTopic("sensors."));
        // the glob is a prefix with its dot: the bare name does not match it
        assertEquals(OverflowPolicy.DROP_OLDEST, policies.forTopic("sensors"));
        assertEquals(OverflowPolicy.DROP_OLDEST, policies.forTopic("xsensors.a"));
        // exact names are exact
        assertEquals(OverflowPolicy.DROP_OLDEST, policies.forTopic("prices2"));
        assertEquals(OverflowPolicy.DROP_OLDEST, policies.forTopic("Prices"));
        assertEquals(CONFLATE_SYMBOL, policies.forTopic("prices"));
    }

    @Test
    void policyNamesAreCaseInsensitiveButConflationKeysKeepTheirCase() {
        assertEquals(OverflowPolicy.DROP_OLDEST, OverflowPolicy.parse(" Drop-Oldest "));
        assertEquals(OverflowPolicy.DISCONNECT, OverflowPolicy.parse("DISCONNECT"));
        assertEquals(new OverflowPolicy(OverflowPolicy.Kind.CONFLATE, "Symbol"), OverflowPolicy.parse("Conflate: Symbol"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"prices", "=drop-oldest", "prices=", "prices=bogus", "prices=conflate",
            "prices=conflate:", "prices=conflate:  ", "a=drop-oldest,b"})
    void rejectsMalformedSpecs(String spec) {
        assertThrows(IllegalArgumentException.class, () -> TopicPolicies.parse(spec));
    }

    @Test
    void conflateNeedsAKeyAndOthersTakeNone() {
        assertThrows(IllegalArgumentException.class, () -> new OverflowPolicy(OverflowPolicy.Kind.CONFLATE, null));
        assertThrows(IllegalArgumentException.class, () -> new OverflowPolicy(OverflowPolicy.Kind.DROP_OLDEST, "k"));
    }

    @Test
    void toStringRoundTrips() {
        String spec = "prices=conflate:symbol,sensors.*=disconnect,*=drop-oldest";
        TopicPolicies policies = TopicPolicies.parse(spec);
        assertEquals(spec, policies.toString());
        assertEquals(spec, TopicPolicies.parse(policies.toString()).toString());
    }

    @Test
    void topicNameRules() {
        for (String ok : new String[] {"a", "prices", "sensors.temp-1_A", "herald", "Message", "x".repeat(128)}) {
            assertNull(Topics.problemWith(ok), ok);
        }
        for (String bad : new String[] {"", "a b", "a/b", "a:b", "é", "x".repeat(129), "message", "error", "open",
                "herald.", "herald.reset", "herald.x"}) {
            assertNotNull(Topics.problemWith(bad), bad);
        }
        assertNotNull(Topics.problemWith(null));
    }
}
