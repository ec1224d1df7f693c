package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobServiceClientBuilder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Azure storage trouble at startup is a probe state, not a crash (the process used to exit after
 * 11-14 s with ~60 log lines): with a rejected key, an unreachable endpoint or a missing container
 * the registry runs, its probes and requests say why in one line, and it recovers by itself once
 * storage answers.
 */
class AzureStorageTroubleIT {
  static Azurite azurite;

  @BeforeAll
  static void start() throws Exception {
    azurite = Azurite.start();
  }

  @AfterAll
  static void stop() throws Exception {
    azurite.close();
  }

  private static RegistryProcess.Options troubled() {
    return RegistryProcess.options().env("BERTH_HEALTH_CACHE_TTL", "PT1S").ready(RegistryProcess.Ready.LIVE);
  }

  /** Everything the registry answered, to search for secrets. */
  private static String text(HttpResponse<byte[]> r) {
    return r.statusCode() + " " + r.headers().map() + " " + new String(r.body(), StandardCharsets.UTF_8);
  }

  /**
   * Startup and readiness are DOWN and a registry request answers 503, each with a one-line
   * reason holding {@code expected}; returns what the registry said.
   */
  private static List<String> assertDown(RegistryProcess reg, String expected) throws Exception {
    List<String> said = new ArrayList<>();
    Probes.Probe startup = Probes.get(reg, "/q/health/started");
    assertEquals(503, startup.status(), startup.body().toString());
    String reason = startup.downReason("storage-started");
    assertTrue(reason.contains(expected), "startup reason: " + reason);
    Probes.Probe ready = Probes.get(reg, "/q/health/ready");
    assertEquals(503, ready.status(), ready.body().toString());
    assertTrue(ready.downReason("storage").contains(expected), "readiness: " + ready.body());
    HttpResponse<byte[]> post = new RegistryClient(reg.url()).send("POST", "/v2/trouble/x/blobs/uploads/", null);
    assertEquals(503, post.statusCode(), text(post));
    assertEquals("UNAVAILABLE", Probes.error(post).path("code").asText(), text(post));
    String detail = Probes.error(post).path("detail").asText();
    Probes.assertOneLine(detail);
    assertTrue(detail.contains(expected), "detail: " + detail);
    said.add(startup.body().toString());
    said.add(ready.body().toString());
    said.add(text(post));
    return said;
  }

  /** Readiness comes back by itself and a push works, in the same process. */
  private static void assertRecovers(RegistryProcess reg, Duration within) throws Exception {
    long pid = reg.pid();
    Probes.await(reg, "/q/health/ready", 200, within);
    assertEquals(200, Probes.get(reg, "/q/health/started").status());
    byte[] blob = new byte[150_000];
    new Random(11).nextBytes(blob);
    RegistryClient c = new RegistryClient(reg.url());
    String digest = c.pushBlob("trouble/x", blob);
    assertEquals(200, c.send("GET", "/v2/trouble/x/blobs/" + digest, null).statusCode());
    assertEquals(pid, reg.pid());
  }

  /** The web UI's catalog page: an HTML page with {@code status} that says {@code expected}, no stack trace. */
  private static String assertUiPage(RegistryProcess reg, int status, String expected) throws Exception {
    HttpResponse<byte[]> page = new RegistryClient(reg.url()).send("GET", "/ui", null);
    String html = new String(page.body(), StandardCharsets.UTF_8);
    assertEquals(status, page.statusCode(), text(page));
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), text(page));
    assertTrue(html.contains(expected), html);
    assertFalse(html.contains("Exception") || html.contains("\tat "), html);
    return text(page);
  }

  private static void assertNoSecret(RegistryProcess reg, List<String> said, String secret) throws Exception {
    String log = reg.log();
    for (String s : List.of(secret, secret.substring(0, 16))) {
      assertFalse(log.contains(s), "the log holds the account key");
      for (String r : said) {
        assertFalse(r.contains(s), "a response holds the account key: " + r);
      }
    }
  }

  @Test
  void wrongAccountKey_staysUpSaysCredentialsRejected_keyNowhere() throws Exception {
    byte[] raw = new byte[64];
    new SecureRandom().nextBytes(raw);
    String wrongKey = Base64.getEncoder().encodeToString(raw);
    var opts = troubled();
    azurite.sharedKeyEnv("trouble-key").forEach(opts::env);
    opts.env("BERTH_STORAGE_AZURE_ACCOUNT_KEY", wrongKey);
    long started = System.nanoTime();
    try (RegistryProcess reg = RegistryProcess.start(opts)) {
      List<String> said = assertDown(reg, "credentials rejected");
      Probes.assertStillRunning(reg, started, Duration.ofSeconds(5));
      said.addAll(assertDown(reg, "credentials rejected"));
      assertNoSecret(reg, said, wrongKey);
      Probes.assertQuietLog(reg.log(), 6);
    }
  }

  @Test
  void unreachableEndpoint_staysUpSaysCannotReach_recoversWhenStorageStarts() throws Exception {
    int port = RegistryProcess.freePort();
    var opts = troubled()
        .env("BERTH_STORAGE_DRIVER", "azure")
        .env("BERTH_STORAGE_AZURE_ACCOUNT_NAME", Azurite.ACCOUNT)
        .env("BERTH_STORAGE_AZURE_ACCOUNT_KEY", Azurite.KEY)
        .env("BERTH_STORAGE_AZURE_ENDPOINT", "http://127.0.0.1:" + port + "/" + Azurite.ACCOUNT)
        .env("BERTH_STORAGE_AZURE_CONTAINER", "trouble-unreachable");
    long started = System.nanoTime();
    try (RegistryProcess reg = RegistryProcess.start(opts)) {
      List<String> said = assertDown(reg, "cannot reach");
      said.add(assertUiPage(reg, 503, "Storage is not available right now."));
      // The old registry gave up and exited 11-14 s after start.
      Probes.assertStillRunning(reg, started, Duration.ofSeconds(16));
      try (Azurite late = Azurite.startOnPort(port)) {
        assertRecovers(reg, Duration.ofSeconds(45));
        assertUiPage(reg, 200, "trouble/x");
      }
      assertNoSecret(reg, said, Azurite.KEY);
      Probes.assertQuietLog(reg.log(), 6);
    }
  }

  @Test
  void missingContainer_creationOff_saysWhichContainer_recoversWhenCreated() throws Exception {
    var opts = troubled().env("BERTH_STORAGE_AZURE_CREATE_CONTAINER", "false");
    azurite.sharedKeyEnv("trouble-missing").forEach(opts::env);
    try (RegistryProcess reg = RegistryProcess.start(opts)) {
      List<String> said = assertDown(reg, "trouble-missing");
      new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
          .createBlobContainer("trouble-missing");
      assertRecovers(reg, Duration.ofSeconds(20));
      assertNoSecret(reg, said, Azurite.KEY);
      Probes.assertQuietLog(reg.log(), 6);
    }
  }
}
