package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.events.WebhookReceiver;
import dev.berth.events.WebhookReceiver.Delivery;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Webhooks on the packaged registry: an endpoint configured by environment variables receives
 * signed CloudEvents for a push and a tag delete, another whose receiver is down costs the
 * registry nothing, and neither the secret nor the header value reaches the log.
 */
class WebhooksIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "it-webhook-secret-9876";
  private static final String HEADER_VALUE = "Bearer it-receiver-token-5432";

  @Test
  void pushAndDelete_delivered_downReceiver_harmless() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      RegistryProcess.Options o = RegistryProcess.options()
          .env("BERTH_EVENTS_SOURCE", "https://berth.example")
          .env("BERTH_EVENTS_ENDPOINTS_HOOK_URL", receiver.url("/hook"))
          .env("BERTH_EVENTS_ENDPOINTS_HOOK_SECRET", SECRET)
          .env("BERTH_EVENTS_ENDPOINTS_HOOK_REPOSITORIES", "apps/**")
          .jvmArgs("-Xmx256m", "-Dberth.events.endpoints.hook.headers.Authorization=" + HEADER_VALUE,
              "-Dberth.events.endpoints.down.url=http://127.0.0.1:" + WebhookReceiver.closedPort() + "/",
              "-Dberth.events.endpoints.down.max-attempts=2");
      try (RegistryProcess reg = RegistryProcess.start(o)) {
        RegistryClient c = new RegistryClient(reg.url());
        String config = c.pushBlob("apps/web", "{}".getBytes(StandardCharsets.UTF_8));
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config
            + "\",\"size\":2},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        HttpResponse<byte[]> put = c.send("PUT", "/v2/apps/web/manifests/v1", manifest,
            "Content-Type", "application/vnd.oci.image.manifest.v1+json");
        assertEquals(201, put.statusCode(), new String(put.body()) + reg.log());
        assertEquals(202, c.send("DELETE", "/v2/apps/web/manifests/v1", null).statusCode());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(2).toNanos(), "the dead endpoint holds nothing up");
        c.pushBlob("other/app", "{}".getBytes(StandardCharsets.UTF_8)); // no event: not apps/**, and not an event kind

        List<Delivery> got = receiver.await(d -> d.path().equals("/hook"), 2, Duration.ofSeconds(20));
        assertEquals(2, got.size(), reg.log());
        JsonNode pushed = JSON.readTree(got.get(0).body());
        assertEquals("dev.berth.manifest.pushed", pushed.get("type").asText());
        assertEquals("https://berth.example", pushed.get("source").asText());
        assertEquals("apps/web", pushed.get("data").get("repository").asText());
        assertEquals(RegistryClient.sha256(manifest), pushed.get("data").get("digest").asText());
        assertEquals("dev.berth.tag.deleted", JSON.readTree(got.get(1).body()).get("type").asText());
        for (Delivery d : got) {
          assertEquals(HEADER_VALUE, d.headers().get("authorization"));
          assertTrue(d.headers().get("x-berth-signature").startsWith("sha256="), d.headers().toString());
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!reg.log().contains("webhook down: event given up after 2 attempt(s)") && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
        String log = reg.log();
        assertTrue(log.contains("webhook down: event given up after 2 attempt(s)"), log);
        assertEquals(200, c.send("GET", "/v2/apps/web/manifests/" + RegistryClient.sha256(manifest), null,
            "Accept", "application/vnd.oci.image.manifest.v1+json").statusCode());
        assertTrue(log.contains("webhooks: down ["), log);
        assertTrue(log.contains(", hook [") && !log.contains("HOOK ["), "the name from variables is lower case:\n" + log);
        assertFalse(log.contains(SECRET) || log.contains("it-receiver-token"), "no secret in the log:\n" + log);
      }
    }
  }
}
