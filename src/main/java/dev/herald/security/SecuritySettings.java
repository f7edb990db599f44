package dev.herald.security;

import dev.herald.hub.TopicSelector;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Who may publish and subscribe (README, "Security"), read once by the configuration.
 *
 * @param operatorToken     the static token (herald.publish-token): may publish to and subscribe to anything
 * @param hmacSecret        herald.jwt.hmac-secret (HS256 unless pinned), at least 32 bytes, or null
 * @param publicKeysPem     herald.jwt.public-keys: PEM public keys (RSA → RS256, EC P-256 → ES256), or null
 * @param jwksUrl           herald.jwt.jwks-url, or null
 * @param algorithm         herald.jwt.algorithm: the one algorithm accepted, or empty to follow the keys
 * @param requireExp        herald.jwt.require-exp
 * @param issuer            herald.jwt.issuer, checked when set
 * @param audience          herald.jwt.audience, checked when set
 * @param claim             herald.jwt.claim: the claim holding {@code {"publish":[…],"subscribe":[…]}}
 * @param privateTopics     herald.private-topics: subscribing needs a token whose subscribe scope covers them
 * @param cookie            herald.jwt.cookie: the cookie a browser's EventSource carries the token in
 * @param queryToken        herald.jwt.query-token: also accept {@code access_token} in the query (leaks into logs)
 * @param allowedOrigins    herald.allowed-origins: origins allowed for WebSocket, CORS and cookie publishes;
 *                          empty = same origin only
 * @param allowMissingOrigin herald.allow-missing-origin: requests without Origin (non-browser clients)
 * @param corsAllowCredentials herald.cors.allow-credentials
 * @param jwksTimeout       fetch timeout of the JWKS URL (connect and read)
 */
public record SecuritySettings(Optional<String> operatorToken, byte[] hmacSecret, String publicKeysPem, URI jwksUrl,
                               Optional<String> algorithm, boolean requireExp, String issuer, String audience,
                               String claim, List<TopicSelector> privateTopics, String cookie, boolean queryToken,
                               List<String> allowedOrigins, boolean allowMissingOrigin, boolean corsAllowCredentials,
                               Duration jwksTimeout) {

    /** Clock skew tolerated on exp and nbf. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    /** The same with the operator token the runtime generated (none was configured). */
    public SecuritySettings withOperatorToken(String token) {
        return new SecuritySettings(Optional.of(token), hmacSecret, publicKeysPem, jwksUrl, algorithm, requireExp,
                issuer, audience, claim, privateTopics, cookie, queryToken, allowedOrigins, allowMissingOrigin,
                corsAllowCredentials, jwksTimeout);
    }

    public boolean jwtConfigured() {
        return hmacSecret != null || publicKeysPem != null || jwksUrl != null;
    }

    public boolean isPrivate(String topic) {
        return TopicSelector.anyMatches(privateTopics, topic);
    }

    /** Never prints secrets. */
    @Override
    public String toString() {
        return "SecuritySettings[operatorToken=" + (operatorToken.isPresent() ? "set" : "unset") + ", hmacSecret="
                + (hmacSecret == null ? "unset" : "set") + ", publicKeys=" + (publicKeysPem == null ? "unset" : "set")
                + ", jwksUrl=" + jwksUrl + ", algorithm=" + algorithm.orElse("from the keys") + ", issuer=" + issuer
                + ", audience=" + audience + ", claim=" + claim + ", privateTopics=" + privateTopics
                + ", allowedOrigins=" + allowedOrigins + "]";
    }
}
