package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

/**
 * Forged and broken tokens, each tried on several routes: every one is refused with 401 (never a
 * 500, never let through), while the same token made honestly with a listed key is accepted — so
 * a refusal is the forgery's doing, not the test's.
 */
@QuarkusTest
@TestProfile(TokenAuthProfile.class)
class TokenForgeryApiTest {
  private static final String REPO = "team-a/forged";
  private static final List<String[]> ROUTES = List.of(
      new String[] {"GET", "/v2/" + REPO + "/tags/list"},
      new String[] {"HEAD", "/v2/" + REPO + "/manifests/latest"},
      new String[] {"POST", "/v2/" + REPO + "/blobs/uploads/"},
      new String[] {"DELETE", "/v2/" + REPO + "/manifests/latest"},
      new String[] {"GET", "/v2/_catalog"});

  private static JwtClaims claims(Consumer<JwtClaims> change) {
    long now = System.currentTimeMillis() / 1000;
    JwtClaims c = new JwtClaims();
    c.setIssuer("berth");
    c.setSubject("alice");
    c.setAudience("berth");
    c.setIssuedAt(NumericDate.fromSeconds(now));
    c.setNotBefore(NumericDate.fromSeconds(now - 10));
    c.setExpirationTime(NumericDate.fromSeconds(now + 300));
    List<Map<String, Object>> access = new ArrayList<>();
    Map<String, Object> repo = new LinkedHashMap<>();
    repo.put("type", "repository");
    repo.put("name", REPO);
    repo.put("actions", List.of("pull", "push", "delete"));
    access.add(repo);
    Map<String, Object> catalog = new LinkedHashMap<>();
    catalog.put("type", "registry");
    catalog.put("name", "catalog");
    catalog.put("actions", List.of("*"));
    access.add(catalog);
    c.setClaim("access", access);
    change.accept(c);
    return c;
  }

  private static String sign(JwtClaims c, Key key, String kid, String alg) throws Exception {
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(c.toJson());
    jws.setKey(key);
    if (kid != null) {
      jws.setKeyIdHeaderValue(kid);
    }
    jws.setAlgorithmHeaderValue(alg);
    jws.setDoKeyValidation(false);
    return jws.getCompactSerialization();
  }

  private static String es256(JwtClaims c, TokenKeysFixture k, String kid) throws Exception {
    return sign(c, k.pair.getPrivate(), kid, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static int status(String method, String path, String token) {
    return api().header("Authorization", "Bearer " + token).request(method, path).statusCode();
  }

  @Test
  void honestTokens_fromEitherListedKey_areAccepted() throws Exception {
    TokenKeysFixture current = TokenAuthProfile.CURRENT;
    TokenKeysFixture next = TokenAuthProfile.NEXT;
    for (String t : List.of(es256(claims(c -> { }), current, current.kid), es256(claims(c -> { }), next, next.kid))) {
      for (String[] r : ROUTES) {
        int s = status(r[0], r[1], t);
        assertEquals(true, s != 401 && s < 500, r[0] + " " + r[1] + ": " + s);
      }
    }
  }

  @Test
  void forgedTokens_areRefusedEverywhere() throws Exception {
    TokenKeysFixture current = TokenAuthProfile.CURRENT;
    TokenKeysFixture stranger = TokenAuthProfile.STRANGER;
    String honest = es256(claims(c -> { }), current, current.kid);
    String[] parts = honest.split("\\.");
    String morePayload = b64(claims(c -> c.setSubject("admin")).toJson());
    Map<String, String> forged = new LinkedHashMap<>();
    forged.put("signed by an unlisted key, claiming a listed kid", es256(claims(c -> { }), stranger, current.kid));
    forged.put("signed by an unlisted key, its own kid", es256(claims(c -> { }), stranger, stranger.kid));
    forged.put("no kid", es256(claims(c -> { }), current, null));
    forged.put("alg none", b64("{\"alg\":\"none\",\"kid\":\"" + current.kid + "\"}") + "." + parts[1] + ".");
    forged.put("alg none, no signature part", b64("{\"alg\":\"none\"}") + "." + parts[1]);
    forged.put("HS256 keyed with the public key", sign(claims(c -> { }), new HmacKey(current.pair.getPublic().getEncoded()),
        current.kid, AlgorithmIdentifiers.HMAC_SHA256));
    forged.put("HS256 keyed with the public key's PEM", sign(claims(c -> { }),
        new HmacKey(java.nio.file.Files.readAllBytes(current.publicPem)), current.kid, AlgorithmIdentifiers.HMAC_SHA256));
    forged.put("payload swapped under a valid signature", parts[0] + "." + morePayload + "." + parts[2]);
    forged.put("signature of another token", parts[0] + "." + parts[1] + "." + es256(claims(c -> c.setJwtId("x")), current, current.kid).split("\\.")[2]);
    forged.put("signature truncated", honest.substring(0, honest.length() - 4));
    forged.put("expired", es256(claims(c -> c.setExpirationTime(NumericDate.fromSeconds(System.currentTimeMillis() / 1000 - 120))), current, current.kid));
    forged.put("not yet valid", es256(claims(c -> c.setNotBefore(NumericDate.fromSeconds(System.currentTimeMillis() / 1000 + 600))), current, current.kid));
    forged.put("no expiry", es256(claims(c -> c.unsetClaim("exp")), current, current.kid));
    forged.put("another audience", es256(claims(c -> c.setAudience("other-registry")), current, current.kid));
    forged.put("another issuer", es256(claims(c -> c.setIssuer("evil")), current, current.kid));
    forged.put("no subject", es256(claims(c -> c.unsetClaim("sub")), current, current.kid));
    forged.put("a refresh token", es256(claims(c -> c.setClaim("berth_refresh", "0123")), current, current.kid));
    forged.put("access claim not a list", es256(claims(c -> c.setClaim("access", "everything")), current, current.kid));
    forged.put("actions not a list", es256(claims(c -> c.setClaim("access", List.of(Map.of("type", "repository", "name", REPO,
        "actions", "*")))), current, current.kid));
    forged.put("RS256 header on an EC signature", parts[0].isEmpty() ? "" : b64("{\"alg\":\"RS256\",\"kid\":\"" + current.kid + "\"}")
        + "." + parts[1] + "." + parts[2]);
    forged.put("empty", "");
    forged.put("garbage", "not-a-token");
    forged.put("three empty parts", "..");
    forged.put("padded header", b64("{\"alg\":\"ES256\",\"kid\":\"" + current.kid + "\",\"x\":\"" + "a".repeat(5000) + "\"}")
        + "." + parts[1] + "." + parts[2]);
    List<String> wrong = new ArrayList<>();
    int tried = 0;
    for (Map.Entry<String, String> f : forged.entrySet()) {
      for (String[] r : ROUTES) {
        int s = status(r[0], r[1], f.getValue());
        tried++;
        if (s != 401) {
          wrong.add(f.getKey() + " on " + r[0] + " " + r[1] + ": " + s);
        }
      }
    }
    assertEquals(List.of(), wrong, tried + " forged requests");
    assertEquals(true, tried >= 100, "tried " + tried);
    int huge = status("GET", "/v2/", "a".repeat(30_000));
    assertEquals(true, huge == 401 || huge == 431, "a 30,000-character token: " + huge);
  }
}
