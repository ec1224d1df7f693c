package dev.berth.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;

/**
 * Verifies tokens of the external issuers the rules file declares (a CI job's OIDC token: GitHub
 * Actions, GitLab, a Kubernetes service account, Entra workload identity): the issuer is looked
 * up by the token's {@code iss}, then signature (RS256/ES256 with a key of its JWKS), expiry and
 * audience are checked. Its string, number and boolean claims become the identity's, for rules to
 * match. A JWKS URL is fetched when first needed and again for an unknown {@code kid}.
 */
final class ExternalIssuers {
  private static final Logger LOG = Logger.getLogger(ExternalIssuers.class);
  /** Reads a token's claims before it is known whose keys check it (built at run time, not in the image). */
  private final JwtConsumer peek = new JwtConsumerBuilder()
      .setSkipAllValidators().setDisableRequireSignature().setSkipSignatureVerification().build();

  private final Map<IssuerSpec, JwtConsumer> consumers = new ConcurrentHashMap<>();

  /** Whether {@code text} has the shape of a JWT (so a password that is one is tried as a token). */
  static boolean looksLikeJwt(String text) {
    return text.startsWith("eyJ") && text.chars().filter(c -> c == '.').count() == 2 && text.length() < 16_384;
  }

  /** How long a verified identity may be reused: {@code max}, but never past its token's {@code exp}. */
  static long lifeNanos(Identity who, long max) {
    String exp = who.claims().get("exp");
    try {
      return exp == null ? max : Math.min(max, (Long.parseLong(exp) - System.currentTimeMillis() / 1000) * 1_000_000_000L);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The identity the token stands for, when an issuer of {@code rules} signed it and it is valid now. */
  Optional<Identity> verify(AccessRules rules, String jwt) {
    if (rules.issuers().isEmpty() || !looksLikeJwt(jwt)) {
      return Optional.empty();
    }
    try {
      JwtContext peeked = peek.process(jwt);
      String iss = peeked.getJwtClaims().getIssuer();
      IssuerSpec spec = rules.issuers().values().stream().filter(i -> i.issuer().equals(iss)).findFirst().orElse(null);
      if (spec == null) {
        return Optional.empty();
      }
      JwtConsumer consumer = consumers.computeIfAbsent(spec, ExternalIssuers::consumer);
      consumer.processContext(peeked);
      JwtClaims c = peeked.getJwtClaims();
      return Optional.of(Identity.external(spec.name(), c.getSubject(), flat(c)));
    } catch (InvalidJwtException | MalformedClaimException | IllegalArgumentException e) {
      LOG.debugf("external token refused: %s", e.getClass().getSimpleName());
      return Optional.empty();
    }
  }

  private static JwtConsumer consumer(IssuerSpec spec) {
    return new JwtConsumerBuilder()
        .setRequireExpirationTime()
        .setRequireSubject()
        .setMaxFutureValidityInMinutes(24 * 60)
        .setAllowedClockSkewInSeconds(30)
        .setExpectedIssuer(spec.issuer())
        .setExpectedAudience(spec.audience())
        .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
            AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
        .setVerificationKeyResolver(keys(spec))
        .build();
  }

  private static VerificationKeyResolver keys(IssuerSpec spec) {
    if (spec.jwksUrl().isPresent()) {
      return new HttpsJwksVerificationKeyResolver(new HttpsJwks(spec.jwksUrl().get()));
    }
    Path file = Path.of(spec.jwksFile().orElseThrow());
    try {
      return new JwksVerificationKeyResolver(new JsonWebKeySet(Files.readString(file)).getJsonWebKeys());
    } catch (IOException | JoseException e) {
      throw new IllegalArgumentException("issuer " + spec.name() + ": cannot read the JWKS " + file);
    }
  }

  private static Map<String, String> flat(JwtClaims c) {
    Map<String, String> out = new LinkedHashMap<>();
    c.getClaimsMap().forEach((k, v) -> {
      if (v instanceof String || v instanceof Number || v instanceof Boolean) {
        out.put(k, String.valueOf(v));
      }
    });
    return out;
  }
}
