package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.pushBlob;
import static dev.berth.api.ApiTestSupport.pushImage;
import static dev.berth.api.ApiTestSupport.randomBytes;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.WebhooksProfile.RECEIVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.ApiTestSupport.Pushed;
import dev.berth.events.WebhookReceiver;
import dev.berth.events.WebhookReceiver.Delivery;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Webhooks ({@link WebhooksProfile}): CloudEvents for pushes, deletes and pulls; delivery never holds a request up. */
@QuarkusTest
@TestProfile(WebhooksProfile.class)
class WebhooksApiTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private static Predicate<Delivery> to(String path, String repo) {
    return d -> d.path().equals(path) && d.text().contains("\"repository\":\"" + repo + "\"");
  }

  private static JsonNode json(Delivery d) {
    return ApiTestSupport.parse(d.body());
  }

  @Test
  void pushPullDelete_cloudEventsSignedWithHeaders() throws Exception {
    String repo = repo("hooks/all/app");
    Pushed p = pushImage(repo, "v1");
    api().get("/v2/" + repo + "/manifests/v1").then().statusCode(200);
    api().delete("/v2/" + repo + "/manifests/v1").then().statusCode(202);
    api().delete("/v2/" + repo + "/manifests/" + p.digest()).then().statusCode(202);
    String blob = pushBlob(repo, randomBytes(10));
    api().delete("/v2/" + repo + "/blobs/" + blob).then().statusCode(202);

    List<Delivery> got = RECEIVER.await(to("/all", repo), 5, WAIT);
    assertEquals(List.of("dev.berth.manifest.pushed", "dev.berth.manifest.pulled", "dev.berth.tag.deleted",
        "dev.berth.manifest.deleted", "dev.berth.blob.deleted"), got.stream().map(d -> json(d).get("type").asText()).toList());
    JsonNode push = json(got.get(0));
    assertEquals("1.0", push.get("specversion").asText());
    assertEquals("https://registry.example/", push.get("source").asText());
    assertFalse(push.get("id").asText().isEmpty());
    assertTrue(push.get("time").asText().endsWith("Z"), push.toString());
    assertEquals(repo + ":v1", push.get("subject").asText());
    JsonNode data = push.get("data");
    assertEquals(repo, data.get("repository").asText());
    assertEquals("v1", data.get("tag").asText());
    assertEquals(p.digest(), data.get("digest").asText());
    assertEquals(p.mediaType(), data.get("mediaType").asText());
    assertEquals(p.bytes().length, data.get("size").asLong());
    assertEquals("anonymous", data.get("actor").asText());
    assertEquals(p.digest(), json(got.get(2)).get("data").get("digest").asText(), "the digest the deleted tag named");
    assertEquals(blob, json(got.get(4)).get("data").get("digest").asText());

    for (Delivery d : got) {
      assertTrue(d.headers().get("content-type").startsWith("application/cloudevents+json"), d.headers().toString());
      assertEquals(WebhooksProfile.TOKEN, d.headers().get("authorization"));
      assertEquals(hmac(WebhooksProfile.SECRET, d.body()), d.headers().get("x-berth-signature"));
    }
  }

  @Test
  void filters_repositoryPatternAndActions() throws Exception {
    String kept = repo("hooks/all/kept");
    String other = repo("hooks/all/other");
    for (String repo : List.of(kept, other)) {
      pushImage(repo, "v1");
      api().delete("/v2/" + repo + "/manifests/v1").then().statusCode(202);
    }
    List<Delivery> got = RECEIVER.await(to("/kept", kept), 1, WAIT);
    RECEIVER.await(to("/all", other), 2, WAIT); // the other repository's events are out by now
    assertEquals(List.of("dev.berth.tag.deleted"), got.stream().map(d -> json(d).get("type").asText()).toList());
    assertEquals(List.of(), RECEIVER.received(to("/kept", other)), "not a kept* repository");
    assertEquals(null, RECEIVER.received(to("/kept", kept)).get(0).headers().get("x-berth-signature"), "no secret, no signature");
  }

  @Test
  void slowReceiver_requestsDontWait() throws Exception {
    String repo = repo("hooks/slow/app");
    long t0 = System.nanoTime();
    pushImage(repo, "v1");
    pushImage(repo, "v2");
    long took = System.nanoTime() - t0;
    List<Delivery> first = RECEIVER.await(to("/slow", repo), 1, WAIT);
    assertEquals(1, first.size());
    assertTrue(took < WebhookReceiver.SLOW.toNanos(), "two pushes took " + took / 1_000_000 + " ms, the receiver takes 3 s each");
    assertEquals(2, RECEIVER.await(to("/slow", repo), 2, WAIT).size(), "the second event follows the first");
  }

  @Test
  void fullQueue_eventsDroppedAndCounted_pushesFine() throws Exception {
    String repo = repo("hooks/tiny/app");
    for (int i = 0; i < 5; i++) {
      pushImage(repo, "v" + i); // 1 in delivery, 1 queued, 3 dropped
    }
    long dropped = metric("berth_webhook_dropped_total{endpoint=\"tiny\"}");
    assertTrue(dropped >= 3, "dropped " + dropped);
  }

  @Test
  void receiverAnswers500_retriedThenGivenUp() throws Exception {
    String repo = repo("hooks/error/app");
    pushImage(repo, "v1");
    List<Delivery> got = RECEIVER.await(to("/error", repo), 3, WAIT);
    assertEquals(3, got.size(), "max-attempts=3");
    assertEquals(1, got.stream().map(d -> json(d).get("id").asText()).distinct().count(), "the same event each time");
    assertTrue(got.get(2).receivedNanos() - got.get(1).receivedNanos() > got.get(1).receivedNanos() - got.get(0).receivedNanos(),
        "the backoff grows");
    awaitMetric("berth_webhook_deliveries_total{endpoint=\"error\",outcome=\"failed\"}", 1);
    assertTrue(metric("berth_webhook_deliveries_total{endpoint=\"error\",outcome=\"retried\"}") >= 2);
  }

  @Test
  void receiverDown_retriedThenGivenUp_registryFine() throws Exception {
    String repo = repo("hooks/down/app");
    Pushed p = pushImage(repo, "v1");
    api().get("/v2/" + repo + "/manifests/v1").then().statusCode(200).header("Docker-Content-Digest", p.digest());
    awaitMetric("berth_webhook_deliveries_total{endpoint=\"down\",outcome=\"failed\"}", 1);
    assertTrue(metric("berth_webhook_deliveries_total{endpoint=\"down\",outcome=\"retried\"}") >= 1);
    String metrics = api().get("/q/metrics").asString();
    assertFalse(metrics.contains(WebhooksProfile.SECRET) || metrics.contains("receiver-token"), "no secret in metrics");
  }

  private static void awaitMetric(String series, long atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (metric(series) < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(metric(series) >= atLeast, series + " = " + metric(series));
  }

  /** A counter's value from {@code /q/metrics} (0 when absent). */
  private static long metric(String series) {
    for (String line : api().get("/q/metrics").asString().split("\n")) {
      if (line.startsWith(series + " ")) {
        return (long) Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }

  private static String hmac(String secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
  }
}
