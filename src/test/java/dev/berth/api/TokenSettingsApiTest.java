package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.TokenApiTest.claims;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The token service's settings, each set and seen: the service name (challenge and {@code aud}),
 * the issuer ({@code iss}), the realm URL of challenges, the Basic realm of {@code /token}'s own
 * refusal, and the lifetimes of access and refresh tokens.
 */
@QuarkusTest
@TestProfile(TokenSettingsApiTest.Settings.class)
class TokenSettingsApiTest {

  public static class Settings implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> c = new HashMap<>(new TokenAuthProfile().getConfigOverrides());
      c.put("berth.auth.service", "registry.example.test");
      c.put("berth.auth.realm", "Example Registry");
      c.put("berth.auth.token.issuer", "example-issuer");
      c.put("berth.auth.token.realm", "https://registry.example.test/auth/token");
      c.put("berth.auth.token.ttl", "PT90S");
      c.put("berth.auth.token.refresh-ttl", "PT2H");
      return c;
    }
  }

  @Test
  void everySettingShows() {
    assertEquals("Bearer realm=\"https://registry.example.test/auth/token\",service=\"registry.example.test\"",
        api().get("/v2/").header("WWW-Authenticate"));
    Response t = api().auth().preemptive().basic("alice", "alice-pw")
        .get("/token?service=registry.example.test&offline_token=true&scope=repository:team-a/app:pull");
    assertEquals(200, t.statusCode(), t.asString());
    assertEquals(90, (int) t.path("expires_in"));
    JsonNode access = claims(t.path("token"));
    assertEquals("example-issuer", access.path("iss").asText());
    assertEquals("registry.example.test", access.path("aud").asText());
    assertEquals(90, access.path("exp").asLong() - access.path("iat").asLong());
    JsonNode refresh = claims(t.path("refresh_token"));
    assertEquals(7200, refresh.path("exp").asLong() - refresh.path("iat").asLong());
    api().header("Authorization", "Bearer " + t.path("token")).get("/v2/team-a/app/tags/list").then().statusCode(404);
    api().get("/token?service=berth").then().statusCode(400);
    assertEquals("Basic realm=\"Example Registry\", charset=\"UTF-8\"",
        api().auth().preemptive().basic("alice", "wrong").get("/token").header("WWW-Authenticate"));
  }
}
