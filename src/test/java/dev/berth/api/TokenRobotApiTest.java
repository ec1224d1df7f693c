package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;
import static dev.berth.api.TokenApiTest.bearer;
import static dev.berth.api.TokenApiTest.claims;
import static dev.berth.api.TokenApiTest.token;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Robot accounts in token mode: the admin API takes a registry:admin:* token; a robot exchanges its secret at /token. */
@QuarkusTest
@TestProfile(TokenAuthProfile.class)
class TokenRobotApiTest {
  private static final String TOKENS = "/v2/_berth/tokens";

  private static String robotToken(String secret, String scope) {
    return api().auth().preemptive().basic("robot", secret).queryParam("service", "berth").queryParam("scope", scope)
        .get("/token").then().statusCode(200).extract().path("token");
  }

  @Test
  void adminApi_needsTheAdminScope_whichOnlyAdminsGet() {
    api().get(TOKENS).then().statusCode(401).header("WWW-Authenticate", containsString("scope=\"registry:admin:*\""));
    String forAlice = token("alice", "registry:admin:*");
    assertEquals(0, claims(forAlice).path("access").size(), "alice is no admin");
    bearer(forAlice).get(TOKENS).then().statusCode(401).header("WWW-Authenticate", containsString("insufficient_scope"));
    bearer(token("admin", "registry:admin:*")).get(TOKENS).then().statusCode(200);
  }

  @Test
  void robotExchangesItsSecret_grantIsCutToItsScopes_revocationEndsNewGrants() {
    String admin = token("admin", "registry:admin:*");
    String name = repo("deployer");
    JsonNode made = ApiTestSupport.parse(bearer(admin).contentType("application/json")
        .body(Map.of("name", name, "repositories", List.of("team-a/**"), "actions", List.of("pull", "push")))
        .post(TOKENS).then().statusCode(201).extract().asByteArray());
    String secret = made.path("secret").asText();
    String repo = "team-a/" + repo("robot");
    String jwt = robotToken(secret, "repository:" + repo + ":pull,push,delete");
    JsonNode c = claims(jwt);
    assertEquals("robot:" + name, c.path("sub").asText());
    assertEquals("[\"pull\",\"push\"]", c.path("access").get(0).path("actions").toString());
    assertEquals(0, claims(robotToken(secret, "repository:team-b/x:pull")).path("access").size());
    byte[] b = "pushed by a robot".getBytes();
    bearer(jwt).contentType("application/octet-stream").queryParam("digest", sha256(b)).body(b)
        .post("/v2/" + repo + "/blobs/uploads/").then().statusCode(201);
    bearer(jwt).delete("/v2/" + repo + "/blobs/" + sha256(b)).then().statusCode(401);

    bearer(admin).delete(TOKENS + "/" + made.path("id").asText()).then().statusCode(204);
    api().auth().preemptive().basic("robot", secret).queryParam("service", "berth").queryParam("scope", "repository:" + repo + ":pull")
        .get("/token").then().statusCode(401);
  }
}
