package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/** With {@code berth.auth.mode=token}: {@code /q/metrics} needs no token, and a bad token counts as {@code invalid_token}. */
@QuarkusTest
@TestProfile(TokenAuthProfile.class)
class MetricsTokenApiTest {

  @Test
  void badToken_countedAsInvalidToken() {
    MetricsScrape before = MetricsScrape.now();
    assertEquals(401, api().header("Authorization", "Bearer not.a-token.at-all").get("/v2/").statusCode());
    MetricsScrape after = MetricsScrape.now();
    assertEquals(1, after.delta(before, "berth_auth_failures_total", "reason", "invalid_token"));
    assertFalse(after.text().contains("not.a-token"));
  }
}
