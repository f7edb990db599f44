package dev.herald.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;

import java.net.MalformedURLException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keys tokens are verified with, and the algorithms they imply: an HMAC secret means HS256, an RSA public
 * key RS256, an EC P-256 key ES256 (herald.jwt.algorithm pins one instead). A token's own {@code alg} header
 * never chooses: a token whose algorithm is not one of these is refused, and each key is only used with the
 * algorithms of its type, so an RSA public key can never serve as an HMAC secret.
 */
final class VerificationKeys {
    /** A JWKS document larger than this is refused (bounded fetch). */
    static final int JWKS_MAX_BYTES = 64 * 1024;
    /** An unknown kid refetches the JWKS at most this often. */
    static final long JWKS_REFETCH_MIN_MILLIS = 30_000;
    private static final long JWKS_CACHE_MILLIS = 5 * 60_000;
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

    private VerificationKeys() {
    }

    static JWSKeySelector<SecurityContext> selector(SecuritySettings settings) {
        List<JWK> keys = new ArrayList<>();
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        if (settings.hmacSecret() != null) {
            if (settings.hmacSecret().length < 32) {
                throw new IllegalArgumentException("herald.jwt.hmac-secret must be at least 32 bytes (256 bits), not "
                        + settings.hmacSecret().length);
            }
            keys.add(new OctetSequenceKey.Builder(settings.hmacSecret()).build());
            algorithms.add(JWSAlgorithm.HS256);
        }
        if (settings.publicKeysPem() != null) {
            for (PublicKey key : publicKeys(settings.publicKeysPem())) {
                if (key instanceof RSAPublicKey rsa) {
                    keys.add(new RSAKey.Builder(rsa).build());
                    algorithms.add(JWSAlgorithm.RS256);
                } else if (key instanceof ECPublicKey ec) {
                    Curve curve = Curve.forECParameterSpec(ec.getParams());
                    if (!Curve.P_256.equals(curve) && !Curve.P_384.equals(curve)) {
                        throw new IllegalArgumentException("herald.jwt.public-keys: EC keys on P-256 or P-384 only");
                    }
                    keys.add(new ECKey.Builder(curve, ec).build());
                    algorithms.add(Curve.P_256.equals(curve) ? JWSAlgorithm.ES256 : JWSAlgorithm.ES384);
                }
            }
        }
        if (settings.algorithm().isPresent()) {
            JWSAlgorithm pinned = JWSAlgorithm.parse(settings.algorithm().get().trim());
            if (!JWSAlgorithm.Family.SIGNATURE.contains(pinned) && !JWSAlgorithm.Family.HMAC_SHA.contains(pinned)) {
                throw new IllegalArgumentException("herald.jwt.algorithm: not a signature algorithm: " + pinned);
            }
            algorithms = Set.of(pinned);
        }
        List<JWSKeySelector<SecurityContext>> selectors = new ArrayList<>();
        if (!keys.isEmpty()) {
            Set<JWSAlgorithm> accepted = Set.copyOf(algorithms);
            // static keys: chosen by type for the token's algorithm, whatever kid the token names
            selectors.add((header, context) -> {
                if (!accepted.contains(header.getAlgorithm())) {
                    return List.of();
                }
                List<Key> matching = new ArrayList<>();
                for (JWK key : keys) {
                    Key usable = usableFor(key, header.getAlgorithm());
                    if (usable != null) {
                        matching.add(usable);
                    }
                }
                return matching;
            });
        }
        if (settings.jwksUrl() != null) {
            Set<JWSAlgorithm> accepted = settings.algorithm().isPresent() ? algorithms
                    : Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
            selectors.add(new JWSVerificationKeySelector<>(accepted, jwks(settings)));
        }
        if (selectors.size() == 1) {
            return selectors.get(0);
        }
        return (header, context) -> {
            List<Key> all = new ArrayList<>();
            for (JWSKeySelector<SecurityContext> selector : selectors) {
                all.addAll(selector.selectJWSKeys(header, context));
            }
            return all;
        };
    }

    private static Key usableFor(JWK key, JWSAlgorithm algorithm) {
        try {
            if (key instanceof OctetSequenceKey secret && JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
                return secret.toSecretKey();
            }
            if (key instanceof RSAKey rsa && JWSAlgorithm.Family.RSA.contains(algorithm)) {
                return rsa.toPublicKey();
            }
            if (key instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(algorithm)
                    && Curve.forJWSAlgorithm(algorithm).contains(ec.getCurve())) {
                return ec.toPublicKey();
            }
        } catch (JOSEException e) {
            return null;
        }
        return null;
    }

    /** The JWKS URL, cached, refetched on an unknown kid at most every 30 s, fetched within the timeout and size. */
    private static JWKSource<SecurityContext> jwks(SecuritySettings settings) {
        int timeout = (int) settings.jwksTimeout().toMillis();
        try {
            return JWKSourceBuilder.<SecurityContext>create(settings.jwksUrl().toURL(),
                            new DefaultResourceRetriever(timeout, timeout, JWKS_MAX_BYTES))
                    .cache(JWKS_CACHE_MILLIS, timeout)
                    .rateLimited(JWKS_REFETCH_MIN_MILLIS)
                    .retrying(false)
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("herald.jwt.jwks-url: " + settings.jwksUrl(), e);
        }
    }

    /** Every {@code -----BEGIN PUBLIC KEY-----} block (X.509 SubjectPublicKeyInfo) of the text. */
    static List<PublicKey> publicKeys(String pem) {
        List<PublicKey> keys = new ArrayList<>();
        Matcher block = PEM.matcher(pem);
        while (block.find()) {
            byte[] der = Base64.getMimeDecoder().decode(block.group(1));
            keys.add(decode(der));
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("herald.jwt.public-keys: no -----BEGIN PUBLIC KEY----- block");
        }
        return keys;
    }

    private static PublicKey decode(byte[] der) {
        for (String type : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                // try the next type
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has " + type, e);
            }
        }
        throw new IllegalArgumentException("herald.jwt.public-keys: a key that is neither RSA nor EC");
    }
}
