package dev.herald.transport;

import dev.herald.limits.ClientAddresses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/** A request's client address (see {@link ClientAddresses}), and how it reaches the WebSocket handshake. */
public final class ClientAddress {
    /**
     * Jakarta WebSocket's handshake shows the endpoint headers but not the peer: the upgrade filter hands the
     * address on in this header, replacing whatever a client sent under the name.
     */
    public static final String HANDSHAKE_HEADER = "X-Herald-Client-Address";

    private ClientAddress() {
    }

    public static String of(HttpServletRequest request, ClientAddresses addresses) {
        Enumeration<String> forwarded = request.getHeaders("X-Forwarded-For");
        List<String> hops = forwarded == null ? List.of() : Collections.list(forwarded);
        return addresses.resolve(request.getRemoteAddr(), hops);
    }

    /** The request as the WebSocket container will see it: with {@link #HANDSHAKE_HEADER} set to the address. */
    static HttpServletRequest withHandshakeHeader(HttpServletRequest request, String address) {
        return new HttpServletRequestWrapper(request) {
            @Override
            public String getHeader(String name) {
                return HANDSHAKE_HEADER.equalsIgnoreCase(name) ? address : super.getHeader(name);
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                return HANDSHAKE_HEADER.equalsIgnoreCase(name)
                        ? Collections.enumeration(List.of(address)) : super.getHeaders(name);
            }

            @Override
            public Enumeration<String> getHeaderNames() {
                List<String> names = new ArrayList<>();
                for (String name : Collections.list(super.getHeaderNames())) {
                    if (!HANDSHAKE_HEADER.equalsIgnoreCase(name)) {
                        names.add(name);
                    }
                }
                names.add(HANDSHAKE_HEADER);
                return Collections.enumeration(names);
            }
        };
    }
}
