package dev.berth.api;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;

/**
 * Two external issuers, as a CI system is one: {@code ci} (RS256, its JWKS in a file, like a
 * Kubernetes cluster's service-account issuer copied beside Berth) and {@code lab} (ES256, its JWKS
 * served over HTTP on loopback, like GitHub's or GitLab's {@code /.well-known/jwks}). Tokens are
 * minted here as the CI system would mint them.
 */
final class CiIssuers {
  static final String CI = "https://ci.example.test";
  static final String LAB = "https://lab.example.test";
  static final PublicJsonWebKey CI_KEY = rsa("ci-1");
  static final PublicJsonWebKey LAB_KEY = ec("lab-1");
  static final PublicJsonWebKey ROGUE_KEY = rsa("ci-1"); // same kid as CI_KEY, another key
  private static HttpServer jwksServer;

  private CiIssuers() {}

  /** The rules file's {@code issuers:} section, and the JWKS file and server it names. */
  static synchronized String issuersYaml(Path dir) {
    try {
      Path file = dir.resolve("ci-jwks.json");
      Files.writeString(file, new JsonWebKeySet(CI_KEY).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
      if (jwksServer == null) {
        byte[] body = new JsonWebKeySet(LAB_KEY).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY).getBytes(StandardCharsets.UTF_8);
        jwksServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwksServer.createContext("/.well-known/jwks", ex -> {
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
        jwksServer.start();
      }
      return "issuers:\n"
          + "  ci:\n    issuer: " + CI + "\n    audience: berth\n    jwks-file: " + file + "\n"
          + "  lab:\n    issuer: " + LAB + "\n    audience: berth\n"
          + "    jwks-url: http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/.well-known/jwks\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rules for the two issuers, matched by claims (to append to the rules list). */
  static final String RULES = """
        - subjects: ["issuer:ci"]
          claims: {repository: acme/app, ref: "refs/heads/*"}
          repositories: ["acme/app/**"]
          actions: [pull, push]
        - subjects: ["issuer:lab"]
          claims: {project_path: "acme/*"}
          repositories: ["acme/lab"]
          actions: [pull, push]
      """;

  /** A token of {@code ci} for acme/app's main branch, changed by {@code change}. */
  static String ciToken(Consumer<JwtClaims> change) {
    return sign(CI_KEY, AlgorithmIdentifiers.RSA_USING_SHA256, claims(CI, c -> {
      c.setSubject("repo:acme/app:ref:refs/heads/main");
      c.setClaim("repository", "acme/app");
      c.setClaim("ref", "refs/heads/main");
      change.accept(c);
    }));
  }

  static String labToken(Consumer<JwtClaims> change) {
    return sign(LAB_KEY, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, claims(LAB, c -> {
      c.setSubject("project_path:acme/lab:ref_type:branch:ref:main");
      c.setClaim("project_path", "acme/lab");
      change.accept(c);
    }));
  }

  static String sign(PublicJsonWebKey key, String alg, JwtClaims c) {
    try {
      JsonWebSignature jws = new JsonWebSignature();
      jws.setPayload(c.toJson());
      jws.setKey(key.getPrivateKey());
      jws.setKeyIdHeaderValue(key.getKeyId());
      jws.setAlgorithmHeaderValue(alg);
      return jws.getCompactSerialization();
    } catch (org.jose4j.lang.JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JwtClaims claims(String issuer, Consumer<JwtClaims> change) {
    long now = System.currentTimeMillis() / 1000;
    JwtClaims c = new JwtClaims();
    c.setIssuer(issuer);
    c.setAudience("berth");
    c.setIssuedAt(NumericDate.fromSeconds(now));
    c.setExpirationTime(NumericDate.fromSeconds(now + 300));
    change.accept(c);
    return c;
  }

  private static PublicJsonWebKey rsa(String kid) {
    try {
      PublicJsonWebKey k = RsaJwkGenerator.generateJwk(2048);
      k.setKeyId(kid);
      return k;
    } catch (org.jose4j.lang.JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  private static PublicJsonWebKey ec(String kid) {
    try {
      PublicJsonWebKey k = EcJwkGenerator.generateJwk(EllipticCurves.P256);
      k.setKeyId(kid);
      return k;
    } catch (org.jose4j.lang.JoseException e) {
      throw new IllegalStateException(e);
    }
  }
}
