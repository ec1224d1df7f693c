package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.pushImage;
import static dev.berth.api.ApiTestSupport.repo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.api.ApiTestSupport.Pushed;
import dev.berth.events.WebhookReceiver;
import dev.berth.events.WebhookReceiver.Delivery;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** With auth on, an event's {@code actor} is the account that sent the request. */
@QuarkusTest
@TestProfile(WebhookActorApiTest.AuthAndHook.class)
class WebhookActorApiTest {
  static final WebhookReceiver RECEIVER = WebhookReceiver.start();

  public static class AuthAndHook implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> m = new HashMap<>(new BasicAuthProfile().getConfigOverrides());
      m.put("berth.events.endpoints.audit.url", RECEIVER.url("/audit"));
      return m;
    }
  }

  @BeforeEach
  void signIn() {
    RestAssured.authentication = RestAssured.preemptive().basic("alice", "alice-pw");
  }

  @AfterEach
  void signOut() {
    RestAssured.authentication = RestAssured.DEFAULT_AUTH; // not reset(): Quarkus set the port
  }

  @Test
  void pushAndDelete_actorIsTheAccount() throws Exception {
    String repo = repo("team-a/hooked");
    Pushed p = pushImage(repo, "v1");
    api().delete("/v2/" + repo + "/manifests/" + p.digest()).then().statusCode(202);
    List<Delivery> got = RECEIVER.await(d -> d.text().contains(repo), 2, Duration.ofSeconds(15));
    assertEquals(2, got.size());
    for (Delivery d : got) {
      assertEquals("alice", ApiTestSupport.parse(d.body()).get("data").get("actor").asText(), d.text());
    }
  }
}
