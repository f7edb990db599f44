package dev.herald.security;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Token verification with every key type, and every way a token can be wrong. */
class TokenVerifierTest {
    private static final TestTokens TOKENS = new TestTokens();

    static SecuritySettings settings(byte[] hmac, String pem, URI jwks, String algorithm, String issuer, String audience) {
        return new SecuritySettings(Optional.of("operator-token"), hmac, pem, jwks, Optional.ofNullable(algorithm), true,
                issuer, audience, "herald", List.of(), "heraldAuthorization", false, List.of(), true, false,
                Duration.ofSeconds(2));
    }

    private static final TokenVerifier ALL_KEYS = new TokenVerifier(settings(
            TestTokens.HMAC_SECRET.getBytes(StandardCharsets.UTF_8), TOKENS.publicKeysPem(), null, null, null, null));

    private static JWTClaimsSet.Builder scoped() {
        return TestTokens.claims("alice", List.of("prices", "orders.*"), List.of("*"));
    }

    private static void refused(TokenVerifier verifier, String token, String why) {
        AuthException e = assertThrows(AuthException.class, () -> verifier.verify(token), why);
        assertEquals(401, e.status(), why);
        assertEquals("invalid-token", e.reason(), why);
    }

    @Test
    void eachKeyTypeVerifiesItsTokensAndTheClaimGivesTheScopes() {
        for (String token : List.of(TOKENS.hs256(scoped()), TOKENS.rs256(scoped()), TOKENS.es256(scoped()))) {
            Grants grants = ALL_KEYS.verify(token);
            assertEquals("alice", grants.subject());
            assertTrue(grants.mayPublish("prices"));
            assertTrue(grants.mayPublish("orders.eu"));
            assertFalse(grants.mayPublish("ordersx"));
            assertFalse(grants.mayPublish("alerts"));
            assertTrue(grants.maySubscribe("anything"));
            assertFalse(grants.operator());
            assertTrue(grants.expiresAt().isAfter(Instant.now()));
        }
        assertTrue(ALL_KEYS.verify("operator-token").operator());
    }

    @Test
    void expiredNotYetValidWrongKeyTamperedUnsignedAndGarbageAreInvalid() {
        refused(ALL_KEYS, TOKENS.hs256(scoped().expirationTime(Date.from(Instant.now().minusSeconds(120)))), "expired");
        refused(ALL_KEYS, TOKENS.hs256(scoped().notBeforeTime(Date.from(Instant.now().plusSeconds(120)))), "not yet valid");
        refused(ALL_KEYS, TestTokens.hs256("another-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8),
                scoped()), "wrong key");
        refused(ALL_KEYS, new TestTokens().rs256(scoped()), "an RSA key that is not configured");
        refused(ALL_KEYS, TestTokens.tampered(TOKENS.rs256(scoped())), "tampered");
        refused(ALL_KEYS, TestTokens.unsigned(scoped()), "alg none");
        refused(ALL_KEYS, "garbage", "garbage");
        refused(ALL_KEYS, "a.b.c", "three garbage parts");
        refused(ALL_KEYS, TOKENS.hs256(new JWTClaimsSet.Builder().subject("x")), "no exp");
        refused(ALL_KEYS, TOKENS.hs256(scoped().claim("herald", "not an object")), "a claim that is not an object");
        // within the 30 s skew an expired token still passes
        assertEquals("alice", ALL_KEYS.verify(TOKENS.hs256(scoped().expirationTime(
                Date.from(Instant.now().minusSeconds(10))))).subject());
        assertEquals("unauthorized", assertThrows(AuthException.class, () -> ALL_KEYS.verify(null)).reason());
    }

    @Test
    void theTokensAlgDoesNotChooseAnRsaPublicKeyIsNoHmacSecretAndAPinnedAlgorithmIsTheOnlyOne() throws Exception {
        TokenVerifier rsaOnly = new TokenVerifier(settings(null, TestTokens.pem(TOKENS.rsa.toPublicKey()), null, null,
                null, null));
        assertEquals("alice", rsaOnly.verify(TOKENS.rs256(scoped())).subject());
        // the classic confusion: HS256 "signed" with the RSA public key's bytes
        refused(rsaOnly, TestTokens.hs256(TOKENS.rsa.toPublicKey().getEncoded(), scoped()), "HS256 with the public key");
        refused(rsaOnly, TOKENS.hs256(scoped()), "an HMAC token where only RSA is configured");
        TokenVerifier pinned = new TokenVerifier(settings(TestTokens.HMAC_SECRET.getBytes(StandardCharsets.UTF_8),
                TOKENS.publicKeysPem(), null, "ES256", null, null));
        assertEquals("alice", pinned.verify(TOKENS.es256(scoped())).subject());
        refused(pinned, TOKENS.rs256(scoped()), "RS256 when ES256 is pinned");
        refused(pinned, TOKENS.hs256(scoped()), "HS256 when ES256 is pinned");
        assertThrows(IllegalArgumentException.class, () -> new TokenVerifier(settings(
                "short".getBytes(StandardCharsets.UTF_8), null, null, null, null, null)), "a short HMAC secret");
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured() {
        TokenVerifier strict = new TokenVerifier(settings(TestTokens.HMAC_SECRET.getBytes(StandardCharsets.UTF_8), null,
                null, null, "https://login.example", "herald"));
        assertEquals("alice", strict.verify(TOKENS.hs256(scoped().issuer("https://login.example").audience("herald")))
                .subject());
        refused(strict, TOKENS.hs256(scoped().issuer("https://evil.example").audience("herald")), "wrong issuer");
        refused(strict, TOKENS.hs256(scoped().issuer("https://login.example").audience("other")), "wrong audience");
        refused(strict, TOKENS.hs256(scoped()), "neither");
    }

    @Test
    void aJwksUrlIsCachedAndRefetchedForAnUnknownKidAtMostEvery30Seconds() throws Exception {
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        AtomicReference<String> served = new AtomicReference<>(new JWKSet(TOKENS.rsa.toPublicJWK()).toString());
        AtomicInteger fetches = new AtomicInteger();
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        http.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        try {
            TokenVerifier jwks = new TokenVerifier(settings(null, null,
                    URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/jwks.json"), null, null, null));
            for (int i = 0; i < 5; i++) {
                assertEquals("alice", jwks.verify(TOKENS.rs256(scoped())).subject());
            }
            assertEquals(1, fetches.get(), "cached");
            served.set(new JWKSet(List.of(TOKENS.rsa.toPublicJWK(), rotated.toPublicJWK())).toString());
            String byRotatedKey = TestTokens.rs256(rotated, scoped());
            assertEquals("alice", jwks.verify(byRotatedKey).subject(), "an unknown kid refetches the JWKS");
            int afterRotation = fetches.get();
            assertEquals(2, afterRotation);
            String byUnknownKey = TestTokens.rs256(new RSAKeyGenerator(2048).keyID("rsa-3").generate(), scoped());
            refused(jwks, byUnknownKey, "a key in no JWKS");
            refused(jwks, byUnknownKey, "again");
            assertEquals(afterRotation, fetches.get(), "within 30 s of the last fetch an unknown kid fetches nothing");
        } finally {
            http.stop(0);
        }
    }
}
