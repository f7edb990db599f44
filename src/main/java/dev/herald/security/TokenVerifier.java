package dev.herald.security;

import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.herald.hub.TopicSelector;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a presented bearer token into {@link Grants}: the static operator token (compared in constant time),
 * or a signed JWT verified with Nimbus JOSE+JWT against the configured keys — signature, {@code exp}
 * (required unless herald.jwt.require-exp=false), {@code nbf}, 30 s of clock skew, {@code iss} and {@code aud}
 * when configured — whose claim (herald.jwt.claim) lists what it may publish and subscribe to.
 * Unsigned ({@code alg: none}), encrypted and malformed tokens are refused.
 */
public final class TokenVerifier {
    private final byte[] operatorToken;
    private final String claim;
    private final DefaultJWTProcessor<SecurityContext> processor;

    public TokenVerifier(SecuritySettings settings) {
        this.operatorToken = settings.operatorToken().map(token -> token.getBytes(StandardCharsets.UTF_8)).orElse(null);
        this.claim = settings.claim();
        if (settings.jwtConfigured()) {
            processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(VerificationKeys.selector(settings));
            Set<String> required = new HashSet<>();
            if (settings.requireExp()) {
                required.add("exp");
            }
            JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
            if (settings.issuer() != null) {
                exact.issuer(settings.issuer());
            }
            DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                    settings.audience() == null ? null : new HashSet<>(Set.of(settings.audience())), exact.build(),
                    required, new HashSet<>());
            claims.setMaxClockSkew((int) SecuritySettings.CLOCK_SKEW.toSeconds());
            processor.setJWTClaimsSetVerifier(claims);
        } else {
            processor = null;
        }
    }

    /** True if this is the static operator token. */
    public boolean isOperatorToken(String presented) {
        return operatorToken != null && presented != null
                && MessageDigest.isEqual(operatorToken, presented.getBytes(StandardCharsets.UTF_8));
    }

    /** The grants of a presented token; throws {@link AuthException} (invalid-token) for anything else. */
    public Grants verify(String presented) {
        if (presented == null || presented.isEmpty()) {
            throw AuthException.missing("no token");
        }
        if (isOperatorToken(presented)) {
            return Grants.OPERATOR;
        }
        if (processor == null) {
            throw AuthException.invalid("the token is not valid here (no JWT keys are configured)");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(SignedJWT.parse(presented), null);
        } catch (ParseException e) {
            throw AuthException.invalid("the token is not a signed JWT");
        } catch (BadJOSEException e) {
            throw AuthException.invalid("the token was refused: " + e.getMessage());
        } catch (com.nimbusds.jose.JOSEException e) {
            throw AuthException.invalid("the token could not be verified: " + e.getMessage());
        }
        return grants(claims);
    }

    private Grants grants(JWTClaimsSet claims) {
        Map<String, Object> scopes;
        try {
            scopes = claims.getJSONObjectClaim(claim);
        } catch (ParseException e) {
            throw AuthException.invalid("the claim '" + claim + "' is not an object");
        }
        Instant expires = claims.getExpirationTime() == null ? null : claims.getExpirationTime().toInstant();
        return new Grants(claims.getSubject(), selectors(scopes, "publish"), selectors(scopes, "subscribe"), expires,
                false);
    }

    private List<TopicSelector> selectors(Map<String, Object> scopes, String name) {
        Object value = scopes == null ? null : scopes.get(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw AuthException.invalid("'" + claim + "." + name + "' is not a list of topic selectors");
        }
        List<TopicSelector> selectors = new ArrayList<>();
        for (Object item : list) {
            try {
                selectors.add(new TopicSelector(String.valueOf(item)));
            } catch (IllegalArgumentException e) {
                throw AuthException.invalid("'" + claim + "." + name + "': " + e.getMessage());
            }
        }
        return List.copyOf(selectors);
    }
}
