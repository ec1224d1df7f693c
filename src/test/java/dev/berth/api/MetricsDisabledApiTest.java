package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.pushImage;
import static dev.berth.api.ApiTestSupport.repo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code berth.metrics.enabled=false}: a push and a pull record nothing of Berth's; the JVM's metrics stay. */
@QuarkusTest
@TestProfile(MetricsDisabledApiTest.Disabled.class)
class MetricsDisabledApiTest {

  public static class Disabled implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("berth.metrics.enabled", "false");
    }
  }

  @Test
  void pushAndPull_recordNothing() {
    String repo = repo("metrics-off");
    pushImage(repo, "v1");
    api().get("/v2/" + repo + "/manifests/v1").then().statusCode(200);
    MetricsScrape after = MetricsScrape.now();
    List<String> berth = Arrays.stream(after.text().split("\n")).filter(l -> l.contains("berth_")).toList();
    assertEquals(List.of(), berth);
    assertTrue(after.lines("jvm_memory_used_bytes").size() > 0, "the JVM's metrics stay");
  }
}
