package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /q/metrics} of the packaged registry (the jar, or with {@code -Dnative} the executable):
 * after a plain HTTP push and pull on the filesystem it has Berth's series with route templates
 * and the JVM's, and no repository name; {@code BERTH_METRICS_ENABLED=false} leaves only the JVM's.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MetricsIT {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final String REPO = "team/metrics-it-secret-name";

  @Test
  void pushAndPull_scraped() throws Exception {
    // a scheduled GC too, so that the executable's berth_gc_* series are seen
    try (RegistryProcess r = RegistryProcess.start(RegistryProcess.options().env("BERTH_GC_INTERVAL", "PT1S").env("BERTH_GC_FIRST_RUN", "PT1S"))) {
      String manifestDigest = push(r);
      assertEquals(200, send(r, "GET", "/v2/" + REPO + "/manifests/v1", null, null).statusCode());
      assertEquals(200, send(r, "GET", "/v2/" + REPO + "/manifests/" + manifestDigest, null, null).statusCode());
      String text = scrape(r);
      for (int i = 0; i < 100 && !text.contains("berth_gc_runs_seconds_count{outcome=\"ok\"}"); i++) {
        Thread.sleep(100); // the first scheduled GC round comes a second after start
        text = scrape(r);
      }
      assertTrue(text.contains("berth_http_requests_seconds_count{method=\"GET\",route=\"/v2/{name}/manifests/{reference}\",status=\"200\"} 2.0"), text);
      assertTrue(text.contains("berth_http_requests_seconds_count{method=\"PUT\",route=\"/v2/{name}/manifests/{reference}\",status=\"201\"} 1.0"), text);
      assertTrue(text.contains("berth_http_requests_seconds_count{method=\"POST\",route=\"/v2/{name}/blobs/uploads/\",status=\"201\"} 2.0"), text);
      assertTrue(text.contains("berth_http_received_bytes_total{route=\"/v2/{name}/blobs/uploads/\"}"), text);
      assertTrue(text.contains("berth_storage_operations_seconds_count{driver=\"filesystem\",operation=\"commit\",outcome=\"ok\"} 2.0"), text);
      assertTrue(text.contains("berth_uploads_in_progress 0.0"), text);
      assertTrue(text.contains("berth_gc_runs_seconds_count{outcome=\"ok\"}"), text);
      assertTrue(text.contains("berth_gc_freed_bytes_total 0.0"), "nothing freed within the grace: " + text);
      assertTrue(text.contains("berth_gc_last_success_seconds "), text);
      assertTrue(text.contains("berth_auth_failures_total{reason=\"denied\"} 0.0"), text);
      assertTrue(text.contains("jvm_memory_used_bytes") || text.contains("process_uptime_seconds"), text);
      assertFalse(text.contains("metrics-it-secret-name") || text.contains(manifestDigest.substring(7)), text);
    }
  }

  @Test
  void metricsDisabled_onlyTheJvms() throws Exception {
    // with a pull-through upstream that is down: its pull fails, and no berth_proxy_* series appears either
    String down = "http://127.0.0.1:" + dev.berth.events.WebhookReceiver.closedPort();
    try (RegistryProcess r = RegistryProcess.start(RegistryProcess.options().env("BERTH_METRICS_ENABLED", "false")
        .env("BERTH_PROXY_UPSTREAMS_UP_URL", down))) {
      push(r);
      assertEquals(503, send(r, "GET", "/v2/up/team/app/manifests/v1", null, null).statusCode());
      String text = scrape(r);
      List<String> berth = Arrays.stream(text.split("\n")).filter(l -> l.contains("berth_")).toList();
      assertEquals(List.of(), berth);
      assertTrue(text.contains("process_uptime_seconds") || text.contains("jvm_"), text);
    }
  }

  /** A one-layer OCI image tagged v1, blobs by monolithic POST; returns the manifest's digest. */
  private static String push(RegistryProcess r) throws Exception {
    byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    byte[] layer = new byte[4096];
    new java.util.Random(7).nextBytes(layer);
    for (byte[] blob : List.of(config, layer)) {
      HttpResponse<String> a = send(r, "POST", "/v2/" + REPO + "/blobs/uploads/?digest=" + OciLayout.sha256(blob), "application/octet-stream", blob);
      assertEquals(201, a.statusCode(), a.body());
    }
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + OciLayout.OCI_MANIFEST + "\","
        + "\"config\":{\"mediaType\":\"" + OciLayout.OCI_CONFIG + "\",\"digest\":\"" + OciLayout.sha256(config) + "\",\"size\":" + config.length + "},"
        + "\"layers\":[{\"mediaType\":\"" + OciLayout.OCI_LAYER_GZIP + "\",\"digest\":\"" + OciLayout.sha256(layer) + "\",\"size\":" + layer.length + "}]}";
    byte[] body = manifest.getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> a = send(r, "PUT", "/v2/" + REPO + "/manifests/v1", OciLayout.OCI_MANIFEST, body);
    assertEquals(201, a.statusCode(), a.body());
    return OciLayout.sha256(body);
  }

  private static String scrape(RegistryProcess r) throws Exception {
    HttpResponse<String> a = send(r, "GET", "/q/metrics", null, null);
    assertEquals(200, a.statusCode());
    return a.body();
  }

  private static HttpResponse<String> send(RegistryProcess r, String method, String path, String type, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(r.url() + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    if (path.startsWith("/v2/")) {
      b.header("Accept", OciLayout.OCI_MANIFEST); // not on /q/metrics, which answers text
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
