package dev.herald.limits;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which address a request comes from, for per-address limits: the TCP peer, unless the peer is a trusted
 * proxy (herald.trusted-proxies, addresses or CIDR ranges); then X-Forwarded-For is read from the right, and the
 * first hop that is not a trusted proxy is the client (what nginx's real_ip_recursive does). Hops a client
 * wrote itself sit left of the first untrusted one, so they are never believed. Only IP literals are parsed:
 * nothing here ever resolves a name.
 */
public final class ClientAddresses {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private final List<Range> trusted;

    private ClientAddresses(List<Range> trusted) {
        this.trusted = trusted;
    }

    public static final ClientAddresses NO_PROXIES = new ClientAddresses(List.of());

    /** Parses {@code 10.0.0.0/8, 127.0.0.1, ::1}; throws IllegalArgumentException naming a bad entry. */
    public static ClientAddresses trusting(List<String> proxies) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : proxies) {
            String text = entry.trim();
            if (text.isEmpty()) {
                continue;
            }
            int slash = text.indexOf('/');
            byte[] address = literal(slash < 0 ? text : text.substring(0, slash));
            int bits;
            try {
                bits = slash < 0 ? address == null ? -1 : address.length * 8 : Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (address == null || bits < 0 || bits > address.length * 8) {
                throw new IllegalArgumentException("herald.trusted-proxies: '" + text
                        + "' is not an IP address or CIDR range");
            }
            ranges.add(new Range(address, bits));
        }
        return new ClientAddresses(List.copyOf(ranges));
    }

    /**
     * @param peer          the TCP peer's address (Servlet getRemoteAddr)
     * @param forwardedFor  every X-Forwarded-For header value, in order (null or empty: none)
     */
    public String resolve(String peer, List<String> forwardedFor) {
        if (trusted.isEmpty() || !isTrusted(peer) || forwardedFor == null || forwardedFor.isEmpty()) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                hops.add(hop.trim());
            }
        }
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (literal(hop) == null) {
                // garbage (or a port, or a name) in the chain: stop at the last hop we could check
                return client;
            }
            client = hop;
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    private boolean isTrusted(String address) {
        byte[] bytes = literal(address);
        if (bytes == null) {
            return false;
        }
        for (Range range : trusted) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** The address bytes of an IPv4 or IPv6 literal, else null (never a DNS lookup). */
    static byte[] literal(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            return null;
        }
        String candidate = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (IPV4.matcher(candidate).matches()) {
            byte[] bytes = new byte[4];
            String[] parts = candidate.split("\\.");
            for (int i = 0; i < 4; i++) {
                int part = Integer.parseInt(parts[i]);
                if (part > 255) {
                    return null;
                }
                bytes[i] = (byte) part;
            }
            return bytes;
        }
        if (candidate.indexOf(':') < 0) {
            return null;
        }
        try {
            // in brackets getByName only parses an IPv6 literal; it would resolve anything else as a name
            return InetAddress.getByName("[" + candidate + "]").getAddress();
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    private record Range(byte[] network, int bits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
