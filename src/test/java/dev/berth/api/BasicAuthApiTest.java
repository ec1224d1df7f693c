package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code berth.auth.mode=basic}: every route of the spec, asked by every kind of client, against
 * a table of who may do what written out by hand (not computed by the rules code): allowed
 * requests reach their endpoint, anonymous refusals are 401 with a Basic challenge, signed-in
 * refusals 403 DENIED, a wrong password 401 whatever the route.
 */
@QuarkusTest
@TestProfile(BasicAuthProfile.class)
class BasicAuthApiTest {
  private static final String DIGEST = sha256("nothing".getBytes());

  /** Who may do what to which repository, from AuthFiles.RULES. */
  private static final Map<String, Map<String, Set<String>>> MAY = Map.of(
      "anonymous", Map.of("public/app", Set.of("pull")),
      "alice", Map.of("public/app", Set.of("pull"), "team-a/app", Set.of("pull", "push", "delete")),
      "bob", Map.of("public/app", Set.of("pull"), "team-a/app", Set.of("pull")),
      "admin", Map.of("public/app", Set.of("pull", "push", "delete"), "team-a/app", Set.of("pull", "push", "delete"),
          "team-b/app", Set.of("pull", "push", "delete")));

  private record Route(String method, String path, String action) {}

  private static final List<Route> ROUTES = List.of(
      new Route("GET", "/tags/list", "pull"),
      new Route("GET", "/manifests/latest", "pull"),
      new Route("HEAD", "/manifests/latest", "pull"),
      new Route("GET", "/manifests/" + DIGEST, "pull"),
      new Route("GET", "/blobs/" + DIGEST, "pull"),
      new Route("HEAD", "/blobs/" + DIGEST, "pull"),
      new Route("GET", "/referrers/" + DIGEST, "pull"),
      new Route("POST", "/blobs/uploads/", "push"),
      new Route("GET", "/blobs/uploads/3f6c0d6a-5b1e-4a8e-9a55-9f1c7c2b8e11", "push"),
      new Route("PATCH", "/blobs/uploads/3f6c0d6a-5b1e-4a8e-9a55-9f1c7c2b8e11", "push"),
      new Route("PUT", "/blobs/uploads/3f6c0d6a-5b1e-4a8e-9a55-9f1c7c2b8e11?digest=" + DIGEST, "push"),
      new Route("DELETE", "/blobs/uploads/3f6c0d6a-5b1e-4a8e-9a55-9f1c7c2b8e11", "push"),
      new Route("PUT", "/manifests/latest", "push"),
      new Route("DELETE", "/manifests/" + DIGEST, "delete"),
      new Route("DELETE", "/manifests/latest", "delete"),
      new Route("DELETE", "/blobs/" + DIGEST, "delete"));

  static RequestSpecification as(String user) {
    RequestSpecification r = api();
    return user.equals("anonymous") ? r : r.auth().preemptive().basic(user, user + "-pw");
  }

  @Test
  void everyRoute_everyClient_asTheRulesSay() {
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    for (String who : MAY.keySet()) {
      for (String repo : List.of("public/app", "team-a/app", "team-b/app")) {
        for (Route r : ROUTES) {
          boolean allowed = MAY.get(who).getOrDefault(repo, Set.of()).contains(r.action());
          Response res = as(who).contentType("application/octet-stream").body(new byte[0])
              .request(r.method(), "/v2/" + repo + r.path());
          int s = res.statusCode();
          String expect = allowed ? "not 401/403" : who.equals("anonymous") ? "401" : "403";
          boolean ok = allowed ? s != 401 && s != 403 && s < 500
              : who.equals("anonymous") ? s == 401 && res.header("WWW-Authenticate").startsWith("Basic realm=\"berth\"")
              : s == 403 && (r.method().equals("HEAD") || res.body().asString().contains("\"DENIED\""));
          if (!ok) {
            wrong.add(who + " " + r.method() + " " + repo + r.path() + ": " + s + ", expected " + expect);
          }
          checked++;
        }
      }
    }
    assertEquals(List.of(), wrong, checked + " requests");
  }

  @Test
  void wrongPassword_is401_onEveryRoute() {
    for (Route r : ROUTES) {
      Response res = api().auth().preemptive().basic("alice", "not-her-password").request(r.method(), "/v2/team-a/app" + r.path());
      assertEquals(401, res.statusCode(), r.toString());
      assertTrue(r.method().equals("HEAD") || res.body().asString().contains("\"UNAUTHORIZED\""), r.toString());
      assertFalse(res.body().asString().contains("not-her-password"));
    }
    api().auth().preemptive().basic("nobody", "x").get("/v2/").then().statusCode(401);
    api().header("Authorization", "Basic !!!notbase64").get("/v2/").then().statusCode(401);
    api().header("Authorization", "Bearer abc").get("/v2/").then().statusCode(401);
  }

  @Test
  void baseEndpoint_needsASignIn_soThatLoginChecksThePassword() {
    Response anon = api().get("/v2/");
    assertEquals(401, anon.statusCode());
    assertEquals("Basic realm=\"berth\", charset=\"UTF-8\"", anon.header("WWW-Authenticate"));
    assertEquals("registry/2.0", anon.header("Docker-Distribution-API-Version"));
    as("bob").get("/v2/").then().statusCode(200);
  }

  @Test
  void namesAreCheckedRawBeforeRules() {
    // a name that would normalise into one alice may write is refused, not rewritten
    as("alice").post("/v2/team-a/../team-b/app/blobs/uploads/").then().statusCode(400);
    as("alice").post("/v2/team-a/app;x=1/blobs/uploads/").then().statusCode(400);
    as("alice").post("/v2/team-a%2Fapp/blobs/uploads/").then().statusCode(400);
  }

  @Test
  void emptyBasicCredentials_areAnonymous_asContainersImageSendsThem() {
    // ":" in base64: what skopeo and podman send to a Basic challenge when they have no login
    api().header("Authorization", "Basic Og==").get("/v2/public/app/tags/list").then().statusCode(404);
    api().header("Authorization", "Basic Og==").get("/v2/team-a/app/tags/list").then().statusCode(401);
  }

  @Test
  void healthAndNonRegistryPaths_needNoSignIn() {
    api().get("/q/health/live").then().statusCode(200);
    api().get("/").then().statusCode(404);
  }
}
