package dev.herald.limits;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClientAddressesTest {
    private final ClientAddresses behindProxies = ClientAddresses.trusting(List.of("127.0.0.1", "10.0.0.0/8", "fd00::/8"));

    @Test
    void withoutTrustedProxiesThePeerIsTheClientWhateverTheHeaderSays() {
        assertEquals("127.0.0.1", ClientAddresses.NO_PROXIES.resolve("127.0.0.1", List.of("203.0.113.9")));
    }

    @Test
    void aTrustedPeerNamesTheClientInXForwardedFor() {
        assertEquals("203.0.113.9", behindProxies.resolve("127.0.0.1", List.of("203.0.113.9")));
        assertEquals("127.0.0.1", behindProxies.resolve("127.0.0.1", List.of()), "no header: the proxy itself");
        assertEquals("127.0.0.1", behindProxies.resolve("127.0.0.1", null));
    }

    @Test
    void hopsLeftOfTheFirstUntrustedOneAreTheClientsOwnWordAndIgnored() {
        // the client wrote 198.51.100.7 itself; 203.0.113.9 is what our edge proxy saw
        assertEquals("203.0.113.9", behindProxies.resolve("127.0.0.1", List.of("198.51.100.7, 203.0.113.9, 10.1.2.3")));
        assertEquals("203.0.113.9", behindProxies.resolve("10.0.0.5", List.of("198.51.100.7", "203.0.113.9")),
                "several headers are one list");
    }

    @Test
    void anUntrustedPeerIsTheClientEvenWithAHeader() {
        assertEquals("203.0.113.50", behindProxies.resolve("203.0.113.50", List.of("10.0.0.1")));
    }

    @Test
    void garbageInTheChainStopsAtTheLastHopThatCouldBeChecked() {
        assertEquals("10.9.9.9", behindProxies.resolve("127.0.0.1", List.of("evil, 10.9.9.9")));
        assertEquals("127.0.0.1", behindProxies.resolve("127.0.0.1", List.of("999.1.1.1")));
        assertEquals("127.0.0.1", behindProxies.resolve("127.0.0.1", List.of("example.com")), "names are never looked up");
    }

    @Test
    void everyHopTrustedGivesTheLeftmost() {
        assertEquals("10.0.0.1", behindProxies.resolve("127.0.0.1", List.of("10.0.0.1, 10.0.0.2")));
    }

    @Test
    void ipv6RangesMatch() {
        assertEquals("2001:db8:0:0:0:0:0:1", ClientAddresses.trusting(List.of("fd00::/8"))
                .resolve("fd12::1", List.of("2001:db8::1")).replace("2001:db8::1", "2001:db8:0:0:0:0:0:1"));
        assertEquals("fe80::1", behindProxies.resolve("fe80::1", List.of("203.0.113.9")), "outside fd00::/8");
    }

    @Test
    void literalsOnly() {
        assertNull(ClientAddresses.literal("localhost"));
        assertNull(ClientAddresses.literal("1.2.3"));
        assertNull(ClientAddresses.literal("256.1.1.1"));
        assertNull(ClientAddresses.literal("zz:1"));
        assertEquals(4, ClientAddresses.literal("192.0.2.1").length);
        assertEquals(16, ClientAddresses.literal("[::1]").length);
    }

    @Test
    void aBadRangeIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> ClientAddresses.trusting(List.of("10.0.0.0/33")));
        assertThrows(IllegalArgumentException.class, () -> ClientAddresses.trusting(List.of("proxy.internal")));
        assertThrows(IllegalArgumentException.class, () -> ClientAddresses.trusting(List.of("10.0.0.0/x")));
    }
}
