package dev.herald.security;

import dev.herald.hub.TopicSelector;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where credentials come from, what private topics need, and which origins count. */
class AccessControlTest {
    private static final TestTokens TOKENS = new TestTokens();

    private static AccessControl access(boolean queryToken, List<String> origins, boolean allowMissingOrigin) {
        return new AccessControl(new SecuritySettings(Optional.of("operator"),
                TestTokens.HMAC_SECRET.getBytes(StandardCharsets.UTF_8), null, null, Optional.empty(), true, null, null,
                "herald", TopicSelector.parseList("private.*,vip"), "heraldAuthorization", queryToken, origins,
                allowMissingOrigin, false, Duration.ofSeconds(2)));
    }

    private static String token(List<String> subscribe) {
        return TOKENS.hs256(TestTokens.claims("alice", List.of("orders.*"), subscribe));
    }

    @Test
    void privateTopicsTakeTheTokenFromTheHeaderThenTheCookieThenTheQueryOnlyWhenEnabled() {
        AccessControl off = access(false, List.of(), true);
        AccessControl on = access(true, List.of(), true);
        String token = token(List.of("private.*"));
        List<String> topics = List.of("private.a", "public");
        assertEquals("alice", off.subscriber(topics, "Bearer " + token, null, null).subject());
        assertEquals("alice", off.subscriber(topics, null, token, null).subject());
        assertEquals("unauthorized", assertThrows(AuthException.class,
                () -> off.subscriber(topics, null, null, token)).reason(), "query token off by default");
        assertEquals("alice", on.subscriber(topics, null, null, token).subject());
        assertEquals("insufficient-scope", assertThrows(AuthException.class,
                () -> off.subscriber(List.of("vip"), "Bearer " + token, null, null)).reason());
        assertEquals("invalid-token", assertThrows(AuthException.class,
                () -> off.subscriber(topics, "Bearer garbage", null, null)).reason());
    }

    @Test
    void publicTopicsNeedNothingAndAnInvalidTokenThereIsIgnoredButAValidOneBindsTheConnection() {
        AccessControl access = access(false, List.of(), true);
        assertSame(Grants.ANONYMOUS, access.subscriber(List.of("public"), null, null, null));
        assertSame(Grants.ANONYMOUS, access.subscriber(List.of("public"), "Bearer garbage", null, null));
        Grants bound = access.subscriber(List.of("public"), "Bearer " + token(List.of()), null, null);
        assertEquals("alice", bound.subject());
        assertTrue(bound.expiresAt() != null);
    }

    @Test
    void aCookiePublishNeedsAnAllowedOriginAndOnlyTheOperatorTokenIsTheOperator() {
        AccessControl access = access(false, List.of("https://app.example"), true);
        String token = token(List.of());
        assertEquals("forbidden-origin", assertThrows(AuthException.class,
                () -> access.publisher(null, token, null, "herald.example")).reason(), "no Origin");
        assertEquals("forbidden-origin", assertThrows(AuthException.class,
                () -> access.publisher(null, token, "https://evil.example", "herald.example")).reason());
        assertEquals("alice", access.publisher(null, token, "https://app.example", "herald.example").subject());
        assertEquals("alice", access.publisher(null, token, "https://herald.example", "herald.example").subject(),
                "same origin");
        assertEquals("unauthorized", assertThrows(AuthException.class, () -> access.publisher(null, null, null, null))
                .reason());
        access.operator("Bearer operator");
        assertEquals("insufficient-scope", assertThrows(AuthException.class, () -> access.operator("Bearer " + token))
                .reason());
        assertEquals("unauthorized", assertThrows(AuthException.class, () -> access.operator(null)).reason());
    }

    @Test
    void originsAreTheListOrElseTheSameOriginNeverAnyAndMissingOnesFollowTheSetting() {
        OriginPolicy sameOnly = access(false, List.of(), true).origins();
        assertTrue(sameOnly.allows("http://herald.example:8080", "herald.example:8080"));
        assertTrue(sameOnly.allows("https://herald.example", "herald.example:443"), "default port");
        assertFalse(sameOnly.allows("https://evil.example", "herald.example"));
        assertFalse(sameOnly.allows("null", "herald.example"), "a sandboxed page");
        assertFalse(sameOnly.listed("http://herald.example:8080"), "same origin is not a CORS origin");
        assertTrue(sameOnly.allows(null, "herald.example"), "non-browser clients");
        assertFalse(access(false, List.of(), false).origins().allows(null, "herald.example"));
        OriginPolicy listed = access(false, List.of("https://app.example"), true).origins();
        assertTrue(listed.allows("https://APP.example", "herald.example"));
        assertFalse(listed.allows("https://app.example.evil", "herald.example"));
        assertTrue(access(false, List.of("*"), true).origins().listed("https://anything.example"));
    }
}
