package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

/**
 * A CI job signs in with its OIDC token as the password of a Basic login (no stored secret): the
 * rules match the token's claims, so only acme/app's main-branch pipeline may push acme/app;
 * tokens of unknown issuers, for another audience, expired, or signed by a key not in the issuer's
 * JWKS are refused. One issuer's keys come from a file, the other's from a JWKS URL.
 */
@QuarkusTest
@TestProfile(BasicAuthProfile.class)
class CiIdentityApiTest {

  static RequestSpecification ci(String token) {
    return api().auth().preemptive().basic("ci", token);
  }

  private static int push(RequestSpecification r, String repo) {
    byte[] blob = ("pushed by ci " + repo).getBytes();
    return r.contentType("application/octet-stream").queryParam("digest", sha256(blob)).body(blob)
        .post("/v2/" + repo + "/blobs/uploads/").statusCode();
  }

  @Test
  void theRightPipeline_pushes_othersDoNot() {
    String app = "acme/app/" + repo("ci");
    assertEquals(201, push(ci(CiIssuers.ciToken(c -> { })), app));
    assertEquals(201, push(ci(CiIssuers.ciToken(c -> c.setClaim("ref", "refs/heads/release-2"))), app), "refs/heads/* matches");
    assertEquals(403, push(ci(CiIssuers.ciToken(c -> c.setClaim("ref", "refs/tags/v1"))), app), "a tag build is not a branch");
    assertEquals(403, push(ci(CiIssuers.ciToken(c -> c.setClaim("repository", "evil/app"))), app), "another repository's job");
    assertEquals(403, push(ci(CiIssuers.ciToken(c -> c.unsetClaim("repository"))), app), "a claim the rule needs is missing");
    assertEquals(403, push(ci(CiIssuers.ciToken(c -> { })), "team-a/" + repo("ci")), "only acme/app");
    assertEquals(201, push(ci(CiIssuers.labToken(c -> { })), "acme/lab"), "the JWKS-URL issuer");
    assertEquals(403, push(ci(CiIssuers.labToken(c -> c.setClaim("project_path", "other/lab"))), "acme/lab"));
    // an external identity is not an "authenticated" account: no catalog for it
    ci(CiIssuers.ciToken(c -> { })).get("/v2/_catalog").then().statusCode(403);
  }

  @Test
  void tokensThatAreNotTheIssuers_areRefused() {
    String app = "acme/app/" + repo("ci");
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("another audience", CiIssuers.ciToken(c -> c.setAudience("another-registry")));
    bad.put("expired", CiIssuers.ciToken(c -> c.setExpirationTime(NumericDate.fromSeconds(System.currentTimeMillis() / 1000 - 120))));
    bad.put("an unknown issuer", CiIssuers.ciToken(c -> c.setIssuer("https://evil.example.test")));
    bad.put("another issuer's name, this one's key", CiIssuers.ciToken(c -> c.setIssuer(CiIssuers.LAB)));
    bad.put("a key not in the JWKS, same kid", CiIssuers.sign(CiIssuers.ROGUE_KEY, AlgorithmIdentifiers.RSA_USING_SHA256,
        claimsOf(CiIssuers.ciToken(c -> { }))));
    bad.put("no subject", CiIssuers.ciToken(c -> c.unsetClaim("sub")));
    bad.put("valid for years", CiIssuers.ciToken(c -> c.setExpirationTime(NumericDate.fromSeconds(System.currentTimeMillis() / 1000 + 400L * 86400))));
    String good = CiIssuers.ciToken(c -> { });
    String[] p = good.split("\\.");
    bad.put("alg none", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        "{\"alg\":\"none\",\"kid\":\"ci-1\"}".getBytes()) + "." + p[1] + ".");
    List<String> wrong = new ArrayList<>();
    bad.forEach((what, token) -> {
      int s = push(ci(token), app);
      if (s != 401) {
        wrong.add(what + ": " + s);
      }
    });
    assertEquals(List.of(), wrong);
  }

  private static org.jose4j.jwt.JwtClaims claimsOf(String jwt) {
    try {
      return org.jose4j.jwt.JwtClaims.parse(new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1])));
    } catch (org.jose4j.jwt.consumer.InvalidJwtException e) {
      throw new IllegalStateException(e);
    }
  }
}
