package dev.herald.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

/** Mints tokens the way a publisher's backend or a login service would, with each key type. */
public final class TestTokens {
    public static final String HMAC_SECRET = "a-test-secret-of-at-least-32-bytes!!";

    public final RSAKey rsa;
    public final ECKey ec;

    public TestTokens() {
        try {
            rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
            ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Both public keys as PEM, as herald.jwt.public-keys takes them. */
    public String publicKeysPem() {
        try {
            return pem(rsa.toPublicKey()) + "\n" + pem(ec.toPublicKey());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    /** Claims valid for a minute: sub, exp, and the herald claim with these scopes. */
    public static JWTClaimsSet.Builder claims(String subject, List<String> publish, List<String> subscribe) {
        return new JWTClaimsSet.Builder().subject(subject).expirationTime(Date.from(Instant.now().plusSeconds(60)))
                .claim("herald", Map.of("publish", publish, "subscribe", subscribe));
    }

    public static JWTClaimsSet.Builder expiringIn(JWTClaimsSet.Builder claims, Duration in) {
        return claims.expirationTime(Date.from(Instant.now().plus(in)));
    }

    public String hs256(JWTClaimsSet.Builder claims) {
        return sign(JWSAlgorithm.HS256, null, claims, hmacSigner(HMAC_SECRET.getBytes(StandardCharsets.UTF_8)));
    }

    public static String hs256(byte[] secret, JWTClaimsSet.Builder claims) {
        return sign(JWSAlgorithm.HS256, null, claims, hmacSigner(secret));
    }

    public String rs256(JWTClaimsSet.Builder claims) {
        return rs256(rsa, claims);
    }

    public static String rs256(RSAKey key, JWTClaimsSet.Builder claims) {
        try {
            return sign(JWSAlgorithm.RS256, key.getKeyID(), claims, new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String es256(JWTClaimsSet.Builder claims) {
        try {
            return sign(JWSAlgorithm.ES256, ec.getKeyID(), claims, new ECDSASigner(ec));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsigned token: header {"alg":"none"}, no signature. */
    public static String unsigned(JWTClaimsSet.Builder claims) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(claims.build().toString().getBytes(StandardCharsets.UTF_8)) + ".";
    }

    /** The token with one character of its payload changed (the signature no longer matches). */
    public static String tampered(String token) {
        int dot = token.indexOf('.');
        char c = token.charAt(dot + 5);
        return token.substring(0, dot + 5) + (c == 'A' ? 'B' : 'A') + token.substring(dot + 6);
    }

    private static JWSSigner hmacSigner(byte[] secret) {
        try {
            return new MACSigner(secret);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(JWSAlgorithm algorithm, String kid, JWTClaimsSet.Builder claims, JWSSigner signer) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(kid).build(),
                    claims.build());
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
