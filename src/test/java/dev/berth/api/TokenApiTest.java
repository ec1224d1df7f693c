package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.repo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code berth.auth.mode=token}: challenges, the token endpoint, and tokens on every kind of route. */
@QuarkusTest
@TestProfile(TokenAuthProfile.class)
class TokenApiTest {

  static String token(String user, String... scopes) {
    RequestSpecification r = user == null ? api() : api().auth().preemptive().basic(user, user + "-pw");
    for (String s : scopes) {
      r = r.queryParam("scope", s);
    }
    return r.queryParam("service", "berth").get("/token").then().statusCode(200).extract().path("token");
  }

  static RequestSpecification bearer(String token) {
    return api().header("Authorization", "Bearer " + token);
  }

  static JsonNode claims(String jwt) {
    return ApiTestSupport.parse(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
  }

  @Test
  void challenges_nameTheTokenEndpoint_theServiceAndTheScope() {
    Response base = api().get("/v2/");
    assertEquals(401, base.statusCode());
    String realm = base.header("WWW-Authenticate");
    assertTrue(realm.matches("Bearer realm=\"http://[^\"]+/token\",service=\"berth\""), realm);
    assertEquals("Bearer " + realm.substring(7, realm.indexOf(",service")) + ",service=\"berth\",scope=\"repository:team-a/app:pull\"",
        api().get("/v2/team-a/app/tags/list").header("WWW-Authenticate"));
    assertTrue(api().post("/v2/team-a/app/blobs/uploads/").header("WWW-Authenticate").endsWith("scope=\"repository:team-a/app:pull,push\""));
    assertTrue(api().delete("/v2/team-a/app/manifests/latest").header("WWW-Authenticate").endsWith("scope=\"repository:team-a/app:delete\""));
    assertTrue(api().get("/v2/_catalog").header("WWW-Authenticate").endsWith("scope=\"registry:catalog:*\""));
  }

  @Test
  void aToken_grantsWhatWasAskedAndTheRulesAllow_nothingMore() {
    String repo = "team-a/" + repo("tok");
    JsonNode alice = claims(token("alice", "repository:" + repo + ":pull,push", "repository:team-b/x:pull"));
    assertEquals("alice", alice.path("sub").asText());
    assertEquals("berth", alice.path("aud").asText());
    assertEquals(1, alice.path("access").size(), alice.toString());
    assertEquals(repo, alice.path("access").get(0).path("name").asText());
    assertEquals("[\"pull\",\"push\"]", alice.path("access").get(0).path("actions").toString());

    JsonNode bob = claims(token("bob", "repository:" + repo + ":*"));
    assertEquals("[\"pull\"]", bob.path("access").get(0).path("actions").toString(), "bob may only pull");
    JsonNode anon = claims(token(null, "repository:public/app:pull", "repository:" + repo + ":pull"));
    assertEquals("", anon.path("sub").asText());
    assertEquals(1, anon.path("access").size());
    assertEquals("public/app", anon.path("access").get(0).path("name").asText());
  }

  @Test
  void tokensOnRoutes_theAccessClaimDecides() {
    String repo = "team-a/" + repo("tok");
    String push = token("alice", "repository:" + repo + ":pull,push");
    bearer(push).post("/v2/" + repo + "/blobs/uploads/").then().statusCode(202);
    bearer(push).get("/v2/" + repo + "/tags/list").then().statusCode(404);
    bearer(push).get("/v2/").then().statusCode(200);
    Response other = bearer(push).get("/v2/team-a/other/tags/list");
    assertEquals(401, other.statusCode(), "another repository needs another token");
    assertTrue(other.header("WWW-Authenticate").contains("error=\"insufficient_scope\""));
    assertTrue(other.asString().contains("\"DENIED\""));
    String pull = token("bob", "repository:" + repo + ":pull,push");
    bearer(pull).get("/v2/" + repo + "/tags/list").then().statusCode(404);
    bearer(pull).post("/v2/" + repo + "/blobs/uploads/").then().statusCode(401);
    String catalog = token("bob", "registry:catalog:*");
    bearer(catalog).get("/v2/_catalog").then().statusCode(200);
    bearer(token(null, "registry:catalog:*")).get("/v2/_catalog").then().statusCode(401);
  }

  @Test
  void aCiToken_isExchangedForARegistryToken() {
    String repo = "acme/app/" + repo("exchange");
    String ci = CiIssuers.ciToken(c -> { });
    String token = api().auth().preemptive().basic("ci", ci).queryParam("scope", "repository:" + repo + ":pull,push,delete")
        .get("/token").then().statusCode(200).extract().path("token");
    JsonNode claims = claims(token);
    assertEquals("ci:repo:acme/app:ref:refs/heads/main", claims.path("sub").asText());
    assertEquals("[\"pull\",\"push\"]", claims.path("access").get(0).path("actions").toString(), "no delete in the rules");
    bearer(token).post("/v2/" + repo + "/blobs/uploads/").then().statusCode(202);
    api().auth().preemptive().basic("ci", CiIssuers.ciToken(c -> c.setAudience("x"))).get("/token").then().statusCode(401);
  }

  @Test
  void tokenEndpoint_refusesWhatItMust() {
    api().auth().preemptive().basic("alice", "wrong").get("/token?service=berth").then().statusCode(401);
    api().get("/token?service=someone-else").then().statusCode(400);
    api().get("/token?scope=repository:Bad/Name:pull").then().statusCode(400);
    api().get("/token?scope=repository:x:write").then().statusCode(400);
    Response r = api().get("/token?service=berth");
    assertEquals("no-store", r.header("Cache-Control"));
  }

  @Test
  void oauth2Form_passwordAndRefresh() {
    String repo = "team-a/" + repo("oauth");
    Response first = api().contentType("application/x-www-form-urlencoded").formParam("grant_type", "password")
        .formParam("username", "alice").formParam("password", "alice-pw").formParam("service", "berth")
        .formParam("scope", "repository:" + repo + ":pull,push").formParam("client_id", "test").formParam("access_type", "offline")
        .post("/token");
    assertEquals(200, first.statusCode(), first.asString());
    assertEquals("repository:" + repo + ":pull,push", first.path("scope"));
    String refresh = first.path("refresh_token");
    assertNotNull(refresh);
    bearer(refresh).get("/v2/" + repo + "/tags/list").then().statusCode(401);
    Response again = api().contentType("application/x-www-form-urlencoded").formParam("grant_type", "refresh_token")
        .formParam("refresh_token", refresh).formParam("service", "berth").formParam("scope", "repository:" + repo + ":pull")
        .post("/token");
    assertEquals(200, again.statusCode(), again.asString());
    bearer(again.path("access_token")).get("/v2/" + repo + "/tags/list").then().statusCode(404);
    api().contentType("application/x-www-form-urlencoded").formParam("grant_type", "refresh_token")
        .formParam("refresh_token", refresh + "x").post("/token").then().statusCode(401);
    api().contentType("application/x-www-form-urlencoded").formParam("grant_type", "password")
        .formParam("username", "alice").formParam("password", "nope").post("/token").then().statusCode(401);
    api().contentType("application/x-www-form-urlencoded").formParam("grant_type", "client_credentials").post("/token").then().statusCode(400);
    String offline = api().auth().preemptive().basic("alice", "alice-pw").get("/token?offline_token=true").path("refresh_token");
    assertNotNull(offline);
    assertFalse(offline.equals(refresh));
    assertTrue(List.of(refresh.split("\\.")).size() == 3);
  }
}
