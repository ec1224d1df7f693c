package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code berth.auth.max-failures-per-minute}: after that many wrong passwords for one account from
 * one address, sign-ins of that account from there are 429 with Retry-After (the right password
 * too, or guessing could tell a hit from the 429s); other accounts are not affected.
 */
@QuarkusTest
@TestProfile(LoginThrottleApiTest.Throttled.class)
class LoginThrottleApiTest {

  public static class Throttled implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> c = new HashMap<>(new BasicAuthProfile().getConfigOverrides());
      c.put("berth.auth.max-failures-per-minute", "3");
      return c;
    }
  }

  @Test
  void guessing_isThrottled_perAccount() {
    for (int i = 0; i < 3; i++) {
      assertEquals(401, api().auth().preemptive().basic("bob", "guess-" + i).get("/v2/").statusCode());
    }
    Response throttled = api().auth().preemptive().basic("bob", "guess-4").get("/v2/");
    assertEquals(429, throttled.statusCode());
    assertTrue(throttled.body().asString().contains("\"TOOMANYREQUESTS\""));
    long retry = Long.parseLong(throttled.header("Retry-After"));
    assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
    assertEquals(429, api().auth().preemptive().basic("bob", "bob-pw").get("/v2/").statusCode());
    assertEquals(200, api().auth().preemptive().basic("alice", "alice-pw").get("/v2/").statusCode());
  }
}
