package dev.herald.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TargetSpecTest {

    @Test
    void aSpecWithoutVariantIsTheNormalWar() {
        TargetSpec spec = TargetSpec.parse("payara:servlet");
        assertEquals("payara:servlet", spec.base());
        assertNull(spec.variant());
        assertEquals("payara-servlet", spec.name());
        assertEquals("nchan", TargetSpec.parse("nchan").name());
    }

    @Test
    void theVariantFollowsTheAt() {
        TargetSpec spec = TargetSpec.parse("wildfly:jaxrs@before-1.2_x");
        assertEquals("wildfly:jaxrs", spec.base());
        assertEquals("before-1.2_x", spec.variant());
        assertEquals("wildfly-jaxrs@before-1.2_x", spec.name());
    }

    @Test
    void urlSpecsKeepTheirAt() {
        TargetSpec spec = TargetSpec.parse("url:http://user@127.0.0.1:8080");
        assertEquals("url:http://user@127.0.0.1:8080", spec.base());
        assertNull(spec.variant());
        assertEquals("url:http://user@127.0.0.1:8080", TargetSpec.baseOf("url:http://user@127.0.0.1:8080"));
    }

    @Test
    void badVariantsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> TargetSpec.parse("nchan@before"));
        assertThrows(IllegalArgumentException.class, () -> TargetSpec.parse("payara:servlet@"));
        assertThrows(IllegalArgumentException.class, () -> TargetSpec.parse("payara:servlet@a b"));
        assertThrows(IllegalArgumentException.class, () -> TargetSpec.parse("payara:servlet@-x"));
    }

    @Test
    void lenientSplitForRowsOfAnyTarget() {
        assertEquals("payara:servlet", TargetSpec.baseOf("payara:servlet@before"));
        assertEquals("before", TargetSpec.variantOf("payara:servlet@before"));
        assertEquals("x", TargetSpec.baseOf("x"));
        assertNull(TargetSpec.variantOf("x"));
    }

    @Test
    void heraldRowLabelsShowTheVariant() {
        assertEquals("Herald/Payara SSE servlet", HeraldTarget.label("Herald/Payara SSE servlet", null));
        assertEquals("Herald/WildFly WebSocket @before", HeraldTarget.label("Herald/WildFly WebSocket", "before"));
    }

    @Test
    void nodesJoinedWithPlusAreOneTargetOfSeveralNodes() {
        String spec = "payara:servlet@r1+payara:servlet@r1";
        assertEquals(java.util.List.of("payara:servlet@r1", "payara:servlet@r1"), TargetSpec.nodesOf(spec));
        assertEquals(java.util.List.of(new TargetSpec("payara:servlet", "r1"), new TargetSpec("payara:servlet", "r1")),
                TargetSpec.parseNodes(spec));
        assertEquals("payara:servlet+payara:servlet", TargetSpec.baseOf(spec));
        assertEquals("r1", TargetSpec.variantOf(spec));
        assertEquals("2x-payara-servlet@r1", TargetSpec.nameOf(spec));
        assertEquals(java.util.List.of("payara:servlet"), TargetSpec.nodesOf("payara:servlet"));
        assertEquals("payara-servlet@r1", TargetSpec.nameOf("payara:servlet@r1"));
    }

    @Test
    void differentNodesKeepTheirOwnNamesAndVariants() {
        String spec = "payara:servlet@r1+wildfly:servlet+url:http://127.0.0.1:8081";
        assertEquals(3, TargetSpec.parseNodes(spec).size());
        assertEquals("payara:servlet+wildfly:servlet+url:http://127.0.0.1:8081", TargetSpec.baseOf(spec));
        assertEquals("r1+-+-", TargetSpec.variantOf(spec));
        assertEquals("payara-servlet@r1+wildfly-servlet+url-http-//127.0.0.1-8081", TargetSpec.nameOf(spec));
        assertNull(TargetSpec.variantOf("payara:servlet+payara:servlet"));
    }

    @Test
    void badNodeListsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> TargetSpec.parseNodes("payara:servlet+nchan"));
        assertThrows(IllegalArgumentException.class, () -> TargetSpec.parseNodes("payara:servlet+"));
        assertThrows(IllegalArgumentException.class, () -> TargetSpec.parseNodes("+payara:servlet"));
        assertThrows(IllegalArgumentException.class, () -> TargetSpec.parseNodes("payara:servlet@r1+nchan@r1"));
    }
}
