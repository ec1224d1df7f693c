package dev.berth.api;

import dev.berth.events.WebhookReceiver;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.Map;

/**
 * Webhook endpoints on one local {@link WebhookReceiver}, each for its own repositories:
 * {@code all} (signed, with a header, pulls too), {@code kept} (deletes only, in kept*
 * repositories), {@code slow}, {@code tiny} (slow, queue of 1), {@code error} (500) and {@code down}.
 */
public class WebhooksProfile implements QuarkusTestProfile {
  static final WebhookReceiver RECEIVER = WebhookReceiver.start();
  static final String SECRET = "hook-secret-0123";
  static final String TOKEN = "Bearer receiver-token-42";

  @Override
  public Map<String, String> getConfigOverrides() {
    Map<String, String> m = new HashMap<>();
    m.put("berth.events.source", "https://registry.example/");
    endpoint(m, "all", RECEIVER.url("/all"), "hooks/all/**", "push,delete,pull");
    m.put("berth.events.endpoints.all.secret", SECRET);
    m.put("berth.events.endpoints.all.headers.Authorization", TOKEN);
    endpoint(m, "kept", RECEIVER.url("/kept"), "hooks/all/kept*", "delete");
    endpoint(m, "slow", RECEIVER.url("/slow"), "hooks/slow/**", "push");
    endpoint(m, "tiny", RECEIVER.url("/slow/tiny"), "hooks/tiny/**", "push");
    m.put("berth.events.endpoints.tiny.queue-size", "1");
    endpoint(m, "error", RECEIVER.url("/error"), "hooks/error/**", "push");
    m.put("berth.events.endpoints.error.max-attempts", "3");
    endpoint(m, "down", "http://127.0.0.1:" + WebhookReceiver.closedPort() + "/", "hooks/down/**", "push");
    m.put("berth.events.endpoints.down.max-attempts", "2");
    m.put("berth.events.endpoints.down.timeout", "PT2S");
    return m;
  }

  private static void endpoint(Map<String, String> m, String name, String url, String repositories, String actions) {
    m.put("berth.events.endpoints." + name + ".url", url);
    m.put("berth.events.endpoints." + name + ".repositories", repositories);
    m.put("berth.events.endpoints." + name + ".actions", actions);
    m.put("berth.events.endpoints." + name + ".backoff", "PT1S");
  }
}
