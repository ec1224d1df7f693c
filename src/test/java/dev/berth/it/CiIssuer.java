package dev.berth.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * A CI system's OIDC issuer on loopback, as GitHub Actions is one: an RS256 key, its JWKS at
 * {@code /.well-known/jwks} over HTTP on 127.0.0.1, and job tokens with {@code repository} and
 * {@code ref} claims for the registry's audience.
 */
final class CiIssuer implements AutoCloseable {
  static final String ISSUER = "https://ci.example.test";
  /** The rule that lets acme/app's main-branch jobs push acme/app. */
  static final String RULES = """
        - subjects: ["issuer:ci"]
          claims: {repository: acme/app, ref: "refs/heads/main"}
          repositories: ["acme/app"]
          actions: [pull, push]
      """;

  private final PublicJsonWebKey key;
  private final HttpServer server;

  CiIssuer() {
    try {
      key = RsaJwkGenerator.generateJwk(2048);
      key.setKeyId("ci-it-1");
      byte[] jwks = new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY).getBytes(StandardCharsets.UTF_8);
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/.well-known/jwks", ex -> {
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, jwks.length);
        ex.getResponseBody().write(jwks);
        ex.close();
      });
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The rules file's {@code issuers:} section for this issuer (keys fetched from its JWKS URL). */
  String issuersYaml() {
    return "issuers:\n  ci:\n    issuer: " + ISSUER + "\n    audience: berth\n"
        + "    jwks-url: http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks\n";
  }

  /** A job token, valid five minutes. */
  String token(String repository, String ref) {
    long now = System.currentTimeMillis() / 1000;
    JwtClaims c = new JwtClaims();
    c.setIssuer(ISSUER);
    c.setAudience("berth");
    c.setSubject("repo:" + repository + ":ref:" + ref);
    c.setClaim("repository", repository);
    c.setClaim("ref", ref);
    c.setIssuedAt(NumericDate.fromSeconds(now));
    c.setExpirationTime(NumericDate.fromSeconds(now + 300));
    try {
      JsonWebSignature jws = new JsonWebSignature();
      jws.setPayload(c.toJson());
      jws.setKey(key.getPrivateKey());
      jws.setKeyIdHeaderValue(key.getKeyId());
      jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
      return jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
