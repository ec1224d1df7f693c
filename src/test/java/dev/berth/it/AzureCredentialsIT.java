package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every credential mode Azurite supports, the 2014 registry's variables, startup errors, lazy
 * readiness, signed redirects, and that no account key or SAS token ever reaches a log line or a
 * response.
 */
class AzureCredentialsIT {
  static Azurite azurite;
  static String sas;
  /** Everything the registry said to clients in these tests, to search for secrets. */
  static final List<String> responses = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    azurite = Azurite.start();
    var service = new BlobServiceClientBuilder().endpoint(azurite.endpoint())
        .credential(new StorageSharedKeyCredential(Azurite.ACCOUNT, Azurite.KEY)).buildClient();
    sas = service.generateAccountSas(new AccountSasSignatureValues(OffsetDateTime.now().plusHours(2),
        AccountSasPermission.parse("rwdlacu"), AccountSasService.parse("b"), AccountSasResourceType.parse("sco")));
  }

  @AfterAll
  static void stop() throws Exception {
    azurite.close();
  }

  private static byte[] blob(int seed) {
    byte[] b = new byte[200_000 + seed];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String record(HttpResponse<byte[]> r) {
    String s = r.statusCode() + " " + r.headers().map() + " " + new String(r.body());
    responses.add(s);
    return s;
  }

  /** Pushes and pulls a blob through the registry, and records what it answered. */
  private static void roundTrip(RegistryProcess reg, String repo, int seed) throws Exception {
    RegistryClient c = new RegistryClient(reg.url());
    byte[] data = blob(seed);
    String digest = c.pushBlob(repo, data);
    assertArrayEquals(data, c.getBlob(repo, digest));
    record(c.send("GET", "/v2/" + repo + "/blobs/" + digest, null));
    record(c.send("GET", "/v2/" + repo + "/blobs/sha256:" + "0".repeat(64), null));
    record(c.send("GET", "/v2/_catalog", null));
    record(c.send("GET", "/q/health/ready", null));
    String loc = c.startUpload(repo);
    record(c.send("PUT", loc + "?digest=sha256:" + "1".repeat(64), new byte[] {1, 2, 3}));
  }

  private static void assertNoSecrets(RegistryProcess reg) throws Exception {
    String log = reg.log();
    for (String secret : List.of(Azurite.KEY, sigOf(sas), Azurite.KEY.substring(0, 20))) {
      assertFalse(log.contains(secret), "the log holds a secret");
      for (String r : responses) {
        assertFalse(r.contains(secret), "a response holds a secret: " + r);
      }
    }
  }

  private static String sigOf(String sasToken) {
    for (String p : sasToken.split("&")) {
      if (p.startsWith("sig=")) {
        return p.substring(4);
      }
    }
    throw new IllegalStateException("no signature in the SAS");
  }

  @Test
  void accountKey_berthProperties() throws Exception {
    var opts = RegistryProcess.options();
    azurite.sharedKeyEnv("mode-key").forEach(opts::env);
    try (RegistryProcess reg = RegistryProcess.start(opts)) {
      roundTrip(reg, "modes/key", 1);
      assertTrue(reg.log().contains("(shared-key)"), reg.log());
      assertNoSecrets(reg);
    }
  }

  @Test
  void accountKey_legacyRegistryVariables() throws Exception {
    var opts = RegistryProcess.options()
        .env("SETTINGS_FLAVOR", "azureblob")
        .env("AZURE_STORAGE_ACCOUNT_NAME", Azurite.ACCOUNT)
        .env("AZURE_STORAGE_ACCOUNT_KEY", Azurite.KEY)
        .env("AZURE_STORAGE_CONTAINER", "mode-legacy")
        .env("STORAGE_PATH", "/registry")
        .env("BERTH_STORAGE_AZURE_ENDPOINT", azurite.endpoint());
    try (RegistryProcess reg = RegistryProcess.start(opts)) {
      roundTrip(reg, "modes/legacy", 2);
      assertTrue(reg.log().contains("container 'mode-legacy'"), reg.log());
      assertTrue(reg.log().contains("under registry/"), reg.log());
      assertNoSecrets(reg);
    }
    // The data really is under the STORAGE_PATH prefix in that container.
    var container = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
        .getBlobContainerClient("mode-legacy");
    assertTrue(container.listBlobs().stream().allMatch(b -> b.getName().startsWith("registry/")));
    assertTrue(container.listBlobs().stream().findAny().isPresent());
  }

  @Test
  void connectionString_conventionalVariable() throws Exception {
    var opts = RegistryProcess.options()
        .env("BERTH_STORAGE_DRIVER", "azure")
        .env("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString())
        .env("BERTH_STORAGE_AZURE_CONTAINER", "mode-connstr");
    try (RegistryProcess reg = RegistryProcess.start(opts)) {
      roundTrip(reg, "modes/connstr", 3);
      assertTrue(reg.log().contains("(connection-string)"), reg.log());
      assertNoSecrets(reg);
    }
  }

  @Test
  void sasToken() throws Exception {
    var opts = RegistryProcess.options()
        .env("BERTH_STORAGE_DRIVER", "azure")
        .env("BERTH_STORAGE_AZURE_SAS_TOKEN", sas)
        .env("BERTH_STORAGE_AZURE_ENDPOINT", azurite.endpoint())
        .env("BERTH_STORAGE_AZURE_CONTAINER", "mode-sas")
        // A SAS client can't sign read URLs: redirects fall back to streaming.
        .env("BERTH_STORAGE_REDIRECT_ENABLED", "true");
    try (RegistryProcess reg = RegistryProcess.start(opts)) {
      roundTrip(reg, "modes/sas", 4);
      assertTrue(reg.log().contains("(sas)"), reg.log());
      assertNoSecrets(reg);
    }
  }

  @Test
  void redirect_signsShortLivedReadOnlyUrl() throws Exception {
    var opts = RegistryProcess.options().env("BERTH_STORAGE_REDIRECT_ENABLED", "true");
    azurite.sharedKeyEnv("redirect").forEach(opts::env);
    try (RegistryProcess reg = RegistryProcess.start(opts)) {
      RegistryClient c = new RegistryClient(reg.url());
      byte[] data = blob(5);
      String digest = c.pushBlob("modes/redirect", data);
      HttpResponse<byte[]> r = c.send("GET", "/v2/modes/redirect/blobs/" + digest, null);
      assertEquals(307, r.statusCode());
      String url = r.headers().firstValue("Location").orElseThrow();
      assertTrue(url.startsWith(azurite.endpoint() + "/redirect/"), url);
      assertTrue(url.contains("sp=r&") || url.contains("&sp=r"), "read-only: " + url);
      assertTrue(url.contains("se="), "expires: " + url);
      HttpResponse<byte[]> direct = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, direct.statusCode());
      assertArrayEquals(data, direct.body());
      String unsigned = url.substring(0, url.indexOf('?'));
      assertNotEquals(200, HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(unsigned)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode(), "the container must not be public");
    }
  }

  @Test
  void readiness_followsStorage_livenessDoesNot() throws Exception {
    try (Azurite own = Azurite.start()) {
      var opts = RegistryProcess.options().env("BERTH_HEALTH_CACHE_TTL", "PT1S");
      own.sharedKeyEnv("health").forEach(opts::env);
      try (RegistryProcess reg = RegistryProcess.start(opts)) {
        RegistryClient c = new RegistryClient(reg.url());
        assertEquals(200, c.send("GET", "/q/health/ready", null).statusCode());
        assertEquals(200, c.send("GET", "/q/health/started", null).statusCode());
        own.stop();
        Thread.sleep(1100);
        HttpResponse<byte[]> down = c.send("GET", "/q/health/ready", null);
        assertEquals(503, down.statusCode(), record(down));
        assertTrue(new String(down.body()).contains("DOWN"));
        assertEquals(200, c.send("GET", "/q/health/live", null).statusCode());
        HttpResponse<byte[]> during = c.send("GET", "/v2/health/x/blobs/sha256:" + "2".repeat(64), null);
        assertEquals(503, during.statusCode(), record(during));
        own.restart();
        Thread.sleep(1100);
        assertEquals(200, c.send("GET", "/q/health/ready", null).statusCode());
        assertNoSecrets(reg);
      }
    }
  }

  static Map<String, String> env(String... kv) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
