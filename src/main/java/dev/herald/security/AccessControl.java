package dev.herald.security;

import java.util.List;

/**
 * The one place that decides who may publish and subscribe, for every transport and API: which credential
 * counts (Authorization, then the cookie, then — only if enabled — the query token), what it allows, and
 * which browser origins may use it.
 */
public final class AccessControl {
    private static final String BEARER = "Bearer ";

    private final SecuritySettings settings;
    private final TokenVerifier verifier;
    private final OriginPolicy origins;

    public AccessControl(SecuritySettings settings) {
        this.settings = settings;
        this.verifier = new TokenVerifier(settings);
        this.origins = new OriginPolicy(settings);
    }

    public SecuritySettings settings() {
        return settings;
    }

    public OriginPolicy origins() {
        return origins;
    }

    public TokenVerifier verifier() {
        return verifier;
    }

    /** The token of an {@code Authorization: Bearer …} header, or null. */
    public static String bearer(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? authorization.substring(BEARER.length()).trim() : null;
    }

    /**
     * A publisher: the bearer token, else the cookie — which, being sent by browsers on their own, needs an
     * allowed Origin (CSRF). Throws {@link AuthException}.
     */
    public Grants publisher(String authorization, String cookieToken, String origin, String host) {
        String bearer = bearer(authorization);
        if (bearer != null && !bearer.isEmpty()) {
            return verifier.verify(bearer);
        }
        if (cookieToken != null && !cookieToken.isEmpty()) {
            if (!origins.allowsCredentialedBrowserRequest(origin, host)) {
                throw AuthException.forbiddenOrigin("a publish authenticated by cookie needs an allowed Origin");
            }
            return verifier.verify(cookieToken);
        }
        throw AuthException.missing("send Authorization: Bearer <token> (the publish token or a JWT)");
    }

    public void checkPublish(Grants grants, String topic) {
        if (!grants.mayPublish(topic)) {
            throw AuthException.insufficientScope("the token does not allow publishing to " + topic);
        }
    }

    /**
     * A subscriber of these topics. Private ones (herald.private-topics) need a token whose subscribe scope
     * covers each; public ones need nothing. A valid token sent anyway binds the connection to it (closed when
     * it expires or its subject is revoked); an invalid one is ignored for public topics. Throws
     * {@link AuthException} for private topics without a valid, covering token.
     */
    public Grants subscriber(List<String> topics, String authorization, String cookieToken, String queryToken) {
        return subscriber(topics, authorization, cookieToken, queryToken, null, null);
    }

    /**
     * The same for a request that may come from a browser page: a credential taken from the cookie (which the
     * browser sends on its own, for any page) counts only from an allowed {@code Origin} or from none.
     */
    public Grants subscriber(List<String> topics, String authorization, String cookieToken, String queryToken,
                             String origin, String host) {
        List<String> restricted = topics.stream().filter(settings::isPrivate).toList();
        String token = credential(authorization, cookieToken, queryToken);
        boolean none = token == null;
        if (!none && token.equals(cookieToken) && isEmpty(bearer(authorization)) && origin != null
                && !origins.allows(origin, host)) {
            throw AuthException.forbiddenOrigin("a subscription authenticated by cookie from origin " + origin
                    + ", which is not allowed (herald.allowed-origins)");
        }
        if (restricted.isEmpty()) {
            if (none) {
                return Grants.ANONYMOUS;
            }
            try {
                return verifier.verify(token);
            } catch (AuthException e) {
                return Grants.ANONYMOUS;
            }
        }
        if (none) {
            throw AuthException.missing("private topics " + restricted + " need a token: Authorization: Bearer, the "
                    + settings.cookie() + " cookie" + (settings.queryToken() ? " or access_token" : ""));
        }
        Grants grants = verifier.verify(token);
        checkSubscribe(grants, restricted);
        return grants;
    }

    /**
     * The token a subscriber presents: Authorization, then the cookie, then — only with herald.jwt.query-token —
     * the query parameter; null if none.
     */
    public String credential(String authorization, String cookieToken, String queryToken) {
        String bearer = bearer(authorization);
        if (!isEmpty(bearer)) {
            return bearer;
        }
        if (!isEmpty(cookieToken)) {
            return cookieToken;
        }
        return settings.queryToken() && !isEmpty(queryToken) ? queryToken : null;
    }

    private static boolean isEmpty(String value) {
        return value == null || value.isEmpty();
    }

    /** The operator (the static token) only: for the operator endpoints. Throws {@link AuthException}. */
    public void operator(String authorization) {
        String bearer = bearer(authorization);
        if (bearer == null || bearer.isEmpty()) {
            throw AuthException.missing("send Authorization: Bearer <herald.publish-token>");
        }
        if (!verifier.verify(bearer).operator()) {
            throw AuthException.insufficientScope("only the operator token (herald.publish-token) may do this");
        }
    }

    /** Every private topic among these must be covered by the grants' subscribe scope. */
    public void checkSubscribe(Grants grants, List<String> topics) {
        for (String topic : topics) {
            if (settings.isPrivate(topic) && !grants.maySubscribe(topic)) {
                throw AuthException.insufficientScope("the token does not allow subscribing to " + topic);
            }
        }
    }
}
