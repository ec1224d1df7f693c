package dev.berth.auth;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwx.HeaderParameterNames;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Issues and checks the token service's JWTs (Docker token authentication): short-lived access
 * tokens whose {@code access} claim lists what they allow, and refresh tokens (claim
 * {@code berth_refresh}) that are only ever exchanged at {@code /token}, never accepted as access.
 * Only ES256 and RS256 with a listed key are accepted: {@code none}, HMAC and unknown {@code kid}s
 * are refused before any claim is read.
 */
final class Tokens {
  private static final String REFRESH = "berth_refresh";

  /** A verified access token: who, and what it allows. */
  record Access(String subject, List<Scope> scopes, long expiresAt) {}

  /** A verified refresh token: who, and the fingerprint of the password it was issued for. */
  record Refresh(String subject, String fingerprint) {}

  private final TokenKeys keys;
  private final String issuer;
  private final String service;
  private final Duration ttl;
  private final Duration refreshTtl;
  private final LongSupplier epochSeconds;
  private final JwtConsumer consumer;
  /** An instance field: a static one would be seeded while the native image is built. */
  private final SecureRandom random = new SecureRandom();

  Tokens(TokenKeys keys, String issuer, String service, Duration ttl, Duration refreshTtl, LongSupplier epochSeconds) {
    this.keys = keys;
    this.issuer = issuer;
    this.service = service;
    this.ttl = ttl;
    this.refreshTtl = refreshTtl;
    this.epochSeconds = epochSeconds;
    this.consumer = new JwtConsumerBuilder()
        .setRequireExpirationTime()
        .setRequireSubject()
        .setAllowedClockSkewInSeconds(30)
        .setExpectedIssuer(issuer)
        .setExpectedAudience(service)
        .setEvaluationTime(null)
        .setJwsAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.ConstraintType.PERMIT,
            AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, AlgorithmIdentifiers.RSA_USING_SHA256)
        .setVerificationKeyResolver((jws, nested) -> {
          java.security.PublicKey k = keys.verifying.get(jws.getKeyIdHeaderValue());
          if (k == null) {
            throw new UnresolvableKeyException("unknown kid");
          }
          return k;
        })
        .build();
  }

  long ttlSeconds() {
    return ttl.toSeconds();
  }

  String access(String subject, List<Scope> scopes) {
    JwtClaims c = claims(subject, ttl);
    List<Map<String, Object>> access = new ArrayList<>();
    for (Scope s : scopes) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("type", s.type());
      e.put("name", s.name());
      e.put("actions", new ArrayList<>(s.actions()));
      access.add(e);
    }
    c.setClaim("access", access);
    return sign(c);
  }

  String refresh(String subject, String fingerprint) {
    JwtClaims c = claims(subject, refreshTtl);
    c.setClaim(REFRESH, fingerprint);
    return sign(c);
  }

  /** @throws InvalidToken when the token is not a valid access token of this service */
  Access verifyAccess(String jwt) throws InvalidToken {
    JwtClaims c = verify(jwt);
    if (c.hasClaim(REFRESH)) {
      throw new InvalidToken("a refresh token is not an access token");
    }
    try {
      return new Access(c.getSubject(), scopes(c.getClaimValue("access")), c.getExpirationTime().getValue());
    } catch (MalformedClaimException | RuntimeException e) {
      throw new InvalidToken("malformed claims");
    }
  }

  Refresh verifyRefresh(String jwt) throws InvalidToken {
    JwtClaims c = verify(jwt);
    try {
      String fp = c.getStringClaimValue(REFRESH);
      if (fp == null) {
        throw new InvalidToken("not a refresh token");
      }
      return new Refresh(c.getSubject(), fp);
    } catch (MalformedClaimException e) {
      throw new InvalidToken("malformed claims");
    }
  }

  private JwtClaims verify(String jwt) throws InvalidToken {
    if (jwt == null || jwt.length() > 16_384) {
      throw new InvalidToken("no token");
    }
    try {
      return consumer.processToClaims(jwt);
    } catch (InvalidJwtException e) {
      throw new InvalidToken(e.hasExpired() ? "expired" : "invalid");
    }
  }

  private JwtClaims claims(String subject, Duration life) {
    long now = epochSeconds.getAsLong();
    JwtClaims c = new JwtClaims();
    c.setIssuer(issuer);
    c.setSubject(subject);
    c.setAudience(service);
    c.setIssuedAt(NumericDate.fromSeconds(now));
    c.setNotBefore(NumericDate.fromSeconds(now - 10));
    c.setExpirationTime(NumericDate.fromSeconds(now + life.toSeconds()));
    byte[] id = new byte[12];
    random.nextBytes(id);
    c.setJwtId(Base64.getUrlEncoder().withoutPadding().encodeToString(id));
    return c;
  }

  private String sign(JwtClaims c) {
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(c.toJson());
    jws.setKey(keys.signing);
    jws.setKeyIdHeaderValue(keys.signingKid);
    jws.setAlgorithmHeaderValue(keys.algorithm);
    jws.setHeader(HeaderParameterNames.TYPE, "JWT");
    try {
      return jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalStateException("signing a token failed", e);
    }
  }

  private static List<Scope> scopes(Object claim) {
    List<Scope> out = new ArrayList<>();
    if (claim == null) {
      return out;
    }
    for (Object o : (List<?>) claim) {
      Map<?, ?> e = (Map<?, ?>) o;
      Set<String> actions = new LinkedHashSet<>();
      for (Object a : (List<?>) e.get("actions")) {
        actions.add((String) a);
      }
      out.add(new Scope((String) e.get("type"), (String) e.get("name"), actions));
    }
    return out;
  }

  /** Why a token was refused, in words safe for a challenge's error_description. */
  static final class InvalidToken extends Exception {
    InvalidToken(String why) {
      super(why, null, false, false);
    }
  }
}
