package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * With {@code berth.auth.mode=basic}, {@code /q/metrics} answers without credentials and counts
 * refusals by reason ({@code berth_auth_failures_total}); no password, account or repository name
 * appears in it. (The throttle profile, so a few wrong passwords reach the 429.)
 */
@QuarkusTest
@TestProfile(LoginThrottleApiTest.Throttled.class)
class MetricsAuthApiTest {
  static final String FAILURES = "berth_auth_failures_total";

  @Test
  void refusals_countedByReason_noSecrets() {
    MetricsScrape before = MetricsScrape.now(); // no credentials: 200
    for (int i = 0; i < 3; i++) {
      assertEquals(401, api().auth().preemptive().basic("mallory", "s3cret-guess-" + i).get("/v2/").statusCode());
    }
    assertEquals(429, api().auth().preemptive().basic("mallory", "s3cret-guess-x").get("/v2/").statusCode());
    assertEquals(401, api().header("Authorization", "Basic !!!").get("/v2/").statusCode());
    assertEquals(403, api().auth().preemptive().basic("alice", "alice-pw").get("/v2/team-b/app/tags/list").statusCode());
    assertEquals(401, api().get("/v2/team-b/app/tags/list").statusCode()); // anonymous: a challenge, not a failure
    MetricsScrape after = MetricsScrape.now();

    assertEquals(4, after.delta(before, FAILURES, "reason", "wrong_credentials"));
    assertEquals(1, after.delta(before, FAILURES, "reason", "throttled"));
    assertEquals(1, after.delta(before, FAILURES, "reason", "denied"));
    assertEquals(0, after.delta(before, FAILURES, "reason", "invalid_token"));
    assertEquals(1, after.lines(FAILURES, "reason", "invalid_token").size(), "every reason is there from the start");
    for (String secret : new String[] {"s3cret", "alice-pw", "mallory", "alice", "team-b"}) {
      assertFalse(after.text().contains(secret), secret + " in /q/metrics");
    }
  }
}
