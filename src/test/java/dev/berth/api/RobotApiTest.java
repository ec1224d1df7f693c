package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;
import static dev.berth.api.BasicAuthApiTest.as;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Robot accounts through the admin API, in basic mode: made by an admin, scoped, expiring, revoked. */
@QuarkusTest
@TestProfile(BasicAuthProfile.class)
class RobotApiTest {
  private static final String TOKENS = "/v2/_berth/tokens";

  static JsonPath create(String name, List<String> repositories, List<String> actions, String expires) {
    Map<String, Object> body = expires == null ? Map.of("name", name, "repositories", repositories, "actions", actions)
        : Map.of("name", name, "repositories", repositories, "actions", actions, "expires", expires);
    return as("admin").contentType("application/json").body(body).post(TOKENS).then().statusCode(201)
        .header("Cache-Control", "no-store").header("Location", containsString(TOKENS + "/")).extract().jsonPath();
  }

  /** A robot signs in with its secret as the password; the user name is free (here: its name). */
  static RequestSpecification robot(String secret) {
    return api().auth().preemptive().basic("robot", secret);
  }

  private static void pushBlob(RequestSpecification who, String repo, int expect) {
    byte[] b = ("robot blob " + repo).getBytes();
    who.contentType("application/octet-stream").queryParam("digest", sha256(b)).body(b)
        .post("/v2/" + repo + "/blobs/uploads/").then().statusCode(expect);
  }

  @Test
  void adminMakesARobot_itPushesWithinItsScopeOnly() {
    String name = repo("ci");
    JsonPath made = create(name, List.of("team-a/**"), List.of("pull", "push"), "P30D");
    String secret = made.getString("secret");
    assertTrue(secret.startsWith("berth_" + made.getString("id") + "_"), secret);
    assertEquals(List.of("pull", "push"), made.getList("actions"));
    pushBlob(robot(secret), "team-a/" + repo("robot"), 201);
    pushBlob(robot(secret), "team-b/" + repo("robot"), 403);
    robot(secret).delete("/v2/team-a/x/manifests/latest").then().statusCode(403);
    robot(secret).get("/v2/_catalog").then().statusCode(403);
    robot(secret).get("/v2/").then().statusCode(200);
    // a robot is not an account: rules for 'authenticated' (catalog) and the admin API are not its
    robot(secret).get(TOKENS).then().statusCode(403);
    // what is listed: never the secret or its hash
    String listed = as("admin").get(TOKENS).then().statusCode(200).extract().asString();
    assertTrue(listed.contains(made.getString("id")) && listed.contains(name), listed);
    assertFalse(listed.contains(secret.substring(28)) || listed.contains("secretHash") || listed.contains("sha256:"), listed);
    as("admin").get(TOKENS + "/" + made.getString("id")).then().statusCode(200)
        .body("name", org.hamcrest.Matchers.equalTo(name)).body("createdBy", org.hamcrest.Matchers.equalTo("admin"));
  }

  @Test
  void onlyAdminsManageRobots() {
    Map<String, Object> body = Map.of("name", "nope", "repositories", List.of("**"), "actions", List.of("pull"));
    as("alice").contentType("application/json").body(body).post(TOKENS).then().statusCode(403).body("errors[0].code", org.hamcrest.Matchers.equalTo("DENIED"));
    as("alice").get(TOKENS).then().statusCode(403);
    api().get(TOKENS).then().statusCode(401).header("WWW-Authenticate", containsString("Basic"));
    api().contentType("application/json").body(body).post(TOKENS).then().statusCode(401);
  }

  @Test
  void revokedRobot_isRefusedAtOnce_evenRightAfterASignInWasRemembered() {
    String secret = create(repo("gone"), List.of("team-a/**"), List.of("pull"), null).getString("secret");
    String id = secret.substring(6, 22);
    robot(secret).get("/v2/team-a/anything/tags/list").then().statusCode(404);
    as("admin").delete(TOKENS + "/" + id).then().statusCode(204);
    robot(secret).get("/v2/team-a/anything/tags/list").then().statusCode(401);
    as("admin").delete(TOKENS + "/" + id).then().statusCode(404).body("errors[0].code", org.hamcrest.Matchers.equalTo("ROBOT_UNKNOWN"));
    as("admin").get(TOKENS + "/" + id).then().statusCode(404);
  }

  @Test
  void expiredRobot_isRefused() throws InterruptedException {
    String secret = create(repo("brief"), List.of("team-a/**"), List.of("pull"), "PT2S").getString("secret");
    robot(secret).get("/v2/team-a/anything/tags/list").then().statusCode(404);
    Thread.sleep(2_200);
    robot(secret).get("/v2/team-a/anything/tags/list").then().statusCode(401);
    String listed = as("admin").get(TOKENS).then().statusCode(200).extract().asString();
    assertTrue(listed.contains("\"expired\":true"), listed);
  }

  @Test
  void forgedAndMalformedRobotSecrets_areRefused_nothingIsWritten() {
    String secret = create(repo("real"), List.of("team-a/**"), List.of("pull", "push"), null).getString("secret");
    String repo = "team-a/" + repo("forged");
    char last = secret.charAt(secret.length() - 1);
    List<String> forged = List.of(
        secret.substring(0, secret.length() - 1) + (last == 'A' ? 'B' : 'A'), // another secret, same id
        "berth_aaaaaaaaaaaaaaaa_" + secret.substring(23), // another id, same secret
        secret.substring(0, secret.length() - 1), // truncated
        secret + "x", secret.toUpperCase(), "berth_", "berth_../../etc/passwd_" + secret.substring(23));
    for (String f : forged) {
      pushBlob(robot(f), repo, 401);
      robot(f).get("/v2/" + repo + "/tags/list").then().statusCode(401);
    }
    as("admin").get("/v2/" + repo + "/tags/list").then().statusCode(404);
  }

  @Test
  void rulesForARobotAddToItsScopes() {
    String secret = create("extra", List.of("team-a/**"), List.of("pull"), null).getString("secret");
    // the rules file grants robot:extra pull on extra/**: a 404, not a refusal
    robot(secret).get("/v2/extra/app/tags/list").then().statusCode(404);
    robot(secret).get("/v2/team-b/app/tags/list").then().statusCode(403);
  }

  @Test
  void invalidRequests_areOciErrors() {
    for (String body : List.of("", "not json", "{\"name\":\"Bad Name\",\"repositories\":[\"**\"],\"actions\":[\"pull\"]}",
        "{\"name\":\"x1\",\"repositories\":[],\"actions\":[\"pull\"]}",
        "{\"name\":\"x2\",\"repositories\":[\"**\"],\"actions\":[\"fly\"]}",
        "{\"name\":\"x3\",\"repositories\":[\"%2F\"],\"actions\":[\"pull\"]}",
        "{\"name\":\"x4\",\"repositories\":[\"**\"],\"actions\":[\"pull\"],\"expires\":\"yesterday\"}",
        "{\"name\":\"x5\",\"repositories\":[\"**\"],\"actions\":[\"pull\"],\"expires\":\"2001-01-01T00:00:00Z\"}")) {
      as("admin").contentType("application/json").body(body).post(TOKENS).then().statusCode(400)
          .body("errors[0].code", org.hamcrest.Matchers.equalTo("ROBOT_INVALID"));
    }
    String name = repo("twice");
    create(name, List.of("**"), List.of("pull"), null);
    as("admin").contentType("application/json").body(Map.of("name", name, "repositories", List.of("**"), "actions", List.of("pull")))
        .post(TOKENS).then().statusCode(400).body("errors[0].detail", containsString("exists"));
  }
}
