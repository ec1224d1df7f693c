package dev.berth.it;

import static dev.berth.it.ProxyImages.assertSameImage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.events.WebhookReceiver;
import dev.berth.events.WebhookReceiver.Delivery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pull-through cache's metrics and fill events on the packaged registry, against Debian's
 * docker-registry with htpasswd auth: a first skopeo pull counts misses and the image's bytes
 * from the upstream, and sends one {@code dev.berth.*.cached} event per manifest and blob to the
 * endpoint that asked for {@code cache} (none to one with the default actions); a second pull counts hits; with the upstream stopped, a
 * pull past the tag TTL is served stale and counted as an {@code io} error; an upstream with the
 * wrong password counts a {@code 401}. Neither password reaches /q/metrics, an event or the log.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ProxyMetricsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final String WRONG_PASSWORD = "wrong-upstream-password-4711";

  @Test
  void pulls_countedAsMissesThenHits_fillsSentAsEvents_staleAndErrorsCounted() throws Exception {
    String skopeo = Cmd.require("skopeo", "skopeo");
    Path work = TempDirs.create("berth-proxy-metrics-");
    Distribution upstream = new Distribution();
    RegistryProcess berth = null;
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      berth = RegistryProcess.start(RegistryProcess.options()
          .env("BERTH_PROXY_UPSTREAMS_UP_URL", upstream.url())
          .env("BERTH_PROXY_UPSTREAMS_UP_USERNAME", Distribution.USER)
          .env("BERTH_PROXY_UPSTREAMS_UP_PASSWORD", upstream.password)
          .env("BERTH_PROXY_UPSTREAMS_UP_TAG_TTL", "PT1S")
          .env("BERTH_PROXY_UPSTREAMS_BAD_URL", upstream.url())
          .env("BERTH_PROXY_UPSTREAMS_BAD_USERNAME", Distribution.USER)
          .env("BERTH_PROXY_UPSTREAMS_BAD_PASSWORD", WRONG_PASSWORD)
          .env("BERTH_EVENTS_ENDPOINTS_FILLS_URL", receiver.url("/fills"))
          .env("BERTH_EVENTS_ENDPOINTS_FILLS_ACTIONS", "cache")
          .env("BERTH_EVENTS_ENDPOINTS_PUSHES_URL", receiver.url("/pushes"))); // default actions: push, delete
      String berthUrl = berth.url();
      Map<String, Double> before = scrape(berthUrl);
      assertEquals(0.0, before.get("berth_proxy_requests_total{kind=\"blob\",result=\"miss\",upstream=\"up\"}"), before.toString());
      assertEquals(0.0, before.get("berth_proxy_upstream_bytes_total{upstream=\"up\"}"));

      Path src = work.resolve("src");
      OciLayout.Image image = ProxyImages.twoLayers(src, "metrics", "v1");
      ok(Cmd.of(skopeo, "copy", "--dest-tls-verify=false", "--dest-creds", upstream.creds(), "--format", "oci",
          "oci:" + src + ":v1", "docker://" + upstream.hostPort() + "/team/app:v1").env("TMPDIR", "/tmp").run(), berth);
      long imageBytes = image.manifest().bytes().length + image.blobs().stream().mapToLong(b -> b.bytes().length).sum();

      assertSameImage(image, pull(skopeo, berth, work.resolve("pull-1")));
      Map<String, Double> cold = scrape(berthUrl);
      assertEquals(1.0, cold.get(requests("manifest", "miss")), cold.toString());
      assertEquals(3.0, cold.get(requests("blob", "miss")), "config and two layers fetched: " + cold);
      assertEquals(0.0, cold.get(requests("blob", "hit")), cold.toString());
      assertEquals((double) imageBytes, cold.get("berth_proxy_upstream_bytes_total{upstream=\"up\"}"), "the image's bytes, each once");

      List<Delivery> fills = receiver.await(d -> d.path().equals("/fills"), 4, Duration.ofSeconds(30));
      assertEquals(4, fills.size(), berth.log());
      Map<String, JsonNode> byDigest = new TreeMap<>();
      for (Delivery d : fills) {
        assertFalse(d.text().contains(upstream.password), "the upstream's password is in an event: " + d.text());
        JsonNode data = JSON.readTree(d.body()).get("data");
        assertEquals("up/team/app", data.get("repository").asText(), d.text());
        assertEquals("up", data.get("upstream").asText(), d.text());
        assertFalse(data.has("actor"), d.text());
        byDigest.put(data.get("digest").asText(), JSON.readTree(d.body()));
      }
      Set<String> expected = new TreeSet<>(List.of(image.manifest().digest()));
      image.blobs().forEach(b -> expected.add(b.digest()));
      assertEquals(expected, byDigest.keySet(), "one event per manifest and blob, with its digest");
      JsonNode manifest = byDigest.get(image.manifest().digest());
      assertEquals("dev.berth.manifest.cached", manifest.get("type").asText());
      assertEquals("up/team/app:v1", manifest.get("subject").asText());
      assertEquals("v1", manifest.get("data").get("tag").asText());
      assertEquals(OciLayout.OCI_MANIFEST, manifest.get("data").get("mediaType").asText());
      assertEquals(image.manifest().bytes().length, manifest.get("data").get("size").asLong());
      for (OciLayout.Blob b : image.blobs()) {
        JsonNode e = byDigest.get(b.digest());
        assertEquals("dev.berth.blob.cached", e.get("type").asText());
        assertEquals(b.bytes().length, e.get("data").get("size").asLong());
      }

      assertSameImage(image, pull(skopeo, berth, work.resolve("pull-2")));
      Map<String, Double> warm = scrape(berthUrl);
      assertEquals(3.0, warm.get(requests("blob", "hit")), "served from storage: " + warm);
      assertEquals(3.0, warm.get(requests("blob", "miss")), warm.toString());
      assertEquals(1.0, warm.get(requests("manifest", "miss")), "within the TTL or unchanged at the upstream: " + warm);
      assertTrue(warm.get(requests("manifest", "hit")) >= 1.0, warm.toString());
      assertEquals((double) imageBytes, warm.get("berth_proxy_upstream_bytes_total{upstream=\"up\"}"), "nothing fetched again");

      upstream.stop();
      Thread.sleep(1500); // past the 1 s tag TTL: the pull asks the stopped upstream, then serves the cached copy
      assertSameImage(image, pull(skopeo, berth, work.resolve("pull-3")));
      Map<String, Double> down = scrape(berthUrl);
      System.out.println("[proxy-metrics] image " + imageBytes + " bytes; upstream down: " + down);
      assertTrue(down.get(requests("manifest", "stale")) >= 1.0, down.toString());
      assertTrue(down.getOrDefault("berth_proxy_upstream_errors_total{status=\"io\",upstream=\"up\"}", 0.0) >= 1.0, down.toString());
      assertEquals(6.0, down.get(requests("blob", "hit")), down.toString());
      upstream.start();

      HttpResponse<String> refused = get(berthUrl + "/v2/bad/team/app/manifests/v1");
      assertEquals(503, refused.statusCode(), refused.body());
      assertFalse(refused.body().contains(WRONG_PASSWORD));
      Map<String, Double> bad = scrape(berthUrl);
      assertEquals(1.0, bad.get("berth_proxy_upstream_errors_total{status=\"401\",upstream=\"bad\"}"), bad.toString());
      assertEquals(0.0, bad.get("berth_proxy_requests_total{kind=\"manifest\",result=\"miss\",upstream=\"bad\"}"), "a failed pull is no miss");

      // published to both endpoints' queues at once, had "pushes" wanted them; it takes no cache fills
      assertEquals(List.of(), receiver.received(d -> d.path().equals("/pushes")), "cache fills are opt-in");
      String text = get(berthUrl + "/q/metrics").body();
      assertFalse(text.contains(upstream.password) || text.contains(WRONG_PASSWORD), "a password in /q/metrics");
      assertFalse(text.contains("team/app") || text.contains(image.manifest().digest().substring(7)), "no repository or digest label");
      assertFalse(berth.log().contains(WRONG_PASSWORD), "the wrong password is in Berth's log");
    } finally {
      try {
        ProxyImages.stop(berth, upstream); // checks Berth's log for the upstream's password
      } finally {
        TempDirs.delete(work);
      }
    }
  }

  private static String requests(String kind, String result) {
    return "berth_proxy_requests_total{kind=\"" + kind + "\",result=\"" + result + "\",upstream=\"up\"}";
  }

  private static Path pull(String skopeo, RegistryProcess berth, Path dir) {
    ok(Cmd.of(skopeo, "copy", "--src-tls-verify=false", "docker://" + berth.hostPort() + "/up/team/app:v1", "oci:" + dir + ":pulled")
        .env("TMPDIR", "/tmp").run(), berth);
    return dir;
  }

  private static void ok(Cmd.Result r, RegistryProcess berth) {
    assertTrue(r.succeeded(), () -> r.describe() + "\n[berth log]\n" + ProxyIT.tail(berth));
  }

  /** The {@code berth_proxy_*} series of /q/metrics: series (name and labels) to value. */
  private static Map<String, Double> scrape(String url) throws Exception {
    HttpResponse<String> r = get(url + "/q/metrics");
    assertEquals(200, r.statusCode());
    Map<String, Double> series = new TreeMap<>();
    for (String line : r.body().split("\n")) {
      if (line.startsWith("berth_proxy_")) {
        int space = line.lastIndexOf(' ');
        series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      }
    }
    return series;
  }

  private static HttpResponse<String> get(String url) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    if (url.contains("/v2/")) {
      b.header("Accept", OciLayout.OCI_MANIFEST); // not on /q/metrics, which answers text only
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
