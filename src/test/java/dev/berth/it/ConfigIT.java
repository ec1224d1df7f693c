package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Configuration mistakes stop the packaged registry at startup: a non-zero exit within seconds,
 * every problem on one line that names the setting and what is accepted, no stack trace, no
 * secret. Independent mistakes share a start, as the registry lists them all.
 */
class ConfigIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** Fake secrets: they must never be printed. */
  private static final String FAKE_KEY = "Zm9vYmFyLWZha2Utc2VjcmV0LWtleQ";
  private static final String FAKE_ACCOUNT_KEY = "c2VjcmV0LWFjY291bnQta2V5LW5ldmVyLXByaW50ZWQ";

  @Test
  void filesystemMistakes_allListed_withAcceptedValuesAndHints() throws Exception {
    RegistryProcess.Exit exit = RegistryProcess.runToExit(RegistryProcess.options()
        .env("SETTINGS_FLAVOR", "s3")
        .env("BERTH_STORAGE_DRIVER", "s3")
        .env("BERTH_UPLOADS_PURGE_AFTER", "PT0S")
        .env("BERTH_UPLOADS_PURGE_INTERVAL", "-PT1M")
        .env("BERTH_UPLOADS_PURGE_FIRST_RUN", "PT0.5S")
        .env("BERTH_UPLOADS_PURGE_AFTR", "PT1H")
        .jvmArgs("-Xmx256m", "-Dberth.x=1"), TIMEOUT);
    assertRefused(exit, 7,
        "SETTINGS_FLAVOR=s3 is not supported", "accepted: local, dev, test (filesystem storage), azureblob",
        "berth.storage.driver=s3 (BERTH_STORAGE_DRIVER): not one of the accepted values: filesystem, azure, memory",
        "berth.uploads.purge-after=PT0S (BERTH_UPLOADS_PURGE_AFTER): zero",
        "berth.uploads.purge-interval=-PT1M (BERTH_UPLOADS_PURGE_INTERVAL): negative",
        "berth.uploads.purge-first-run=PT0.5S (BERTH_UPLOADS_PURGE_FIRST_RUN): shorter than 1 second",
        "BERTH_UPLOADS_PURGE_AFTR is not a Berth environment variable; did you mean BERTH_UPLOADS_PURGE_AFTER?",
        "berth.x (system property) is not a Berth property");
  }

  @Test
  void unsupportedFlavor_alone_refusesToStart() throws Exception {
    RegistryProcess.Exit exit = RegistryProcess.runToExit(RegistryProcess.options().env("SETTINGS_FLAVOR", "prod"), TIMEOUT);
    assertRefused(exit, 1, "SETTINGS_FLAVOR=prod is not supported (the 2014 registry's prod flavor stored on Amazon S3)");
  }

  @Test
  void azureMistakes_blockSizeAndMalformedConnectionString_secretNotPrinted() throws Exception {
    RegistryProcess.Exit exit = RegistryProcess.runToExit(RegistryProcess.options()
        .env("BERTH_STORAGE_DRIVER", "azure")
        .env("BERTH_STORAGE_AZURE_BLOCK_SIZE", "1024")
        .env("AZURE_STORAGE_CONNECTION_STRING", "DefaultEndpointsProtocol=https;AccountName=berthtest;" + FAKE_KEY)
        .jvmArgs("-Xmx256m", "-Dberth.uploads.purge-aftr=PT1H"), TIMEOUT);
    assertRefused(exit, 3,
        "berth.storage.azure.block-size=1024 (BERTH_STORAGE_AZURE_BLOCK_SIZE): out of range; accepted: between 64 KiB (65536) and 100 MiB (104857600)",
        "berth.storage.azure.connection-string is not of the form key=value;key=value;...",
        "berth.uploads.purge-aftr (system property) is not a Berth property; did you mean berth.uploads.purge-after?");
    assertFalse(exit.log().contains(FAKE_KEY), exit.log());
    assertFalse(exit.log().contains("berthtest"), exit.log());
  }

  @Test
  void azureSharedKeyWithoutAccountName_refusesToStart_keyNotPrinted() throws Exception {
    RegistryProcess.Exit exit = RegistryProcess.runToExit(RegistryProcess.options()
        .env("SETTINGS_FLAVOR", "azureblob")
        .env("AZURE_STORAGE_ACCOUNT_KEY", FAKE_ACCOUNT_KEY), TIMEOUT);
    assertRefused(exit, 1,
        "berth.storage.azure.auth=auto resolves to shared-key (an account key is set), which needs berth.storage.azure.account-name (or AZURE_STORAGE_ACCOUNT_NAME)");
    assertFalse(exit.log().contains(FAKE_ACCOUNT_KEY), exit.log());
  }

  @Test
  void legacyLocalFlavor_withStoragePath_starts() throws Exception {
    Path dir = Files.createTempDirectory("berth-it-legacy");
    try (RegistryProcess r = RegistryProcess.start(RegistryProcess.options()
        .dataDir(dir)
        .env("SETTINGS_FLAVOR", "local")
        .env("STORAGE_PATH", dir.toString()))) {
      HttpResponse<String> res = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(r.url() + "/v2/")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, res.statusCode());
    } finally {
      TempDirs.delete(dir);
    }
  }

  /**
   * Map entries (an upstream's, an endpoint's) set as environment variables are checked like the
   * same properties: SmallRye names them with every '_' as a dot, which the checks used to miss.
   */
  @Test
  void mapEntriesFromTheEnvironment_checkedLikeProperties() throws Exception {
    RegistryProcess.Exit exit = RegistryProcess.runToExit(RegistryProcess.options()
        .env("BERTH_PROXY_UPSTREAMS_UP_URL", "http://127.0.0.1:9")
        .env("BERTH_PROXY_UPSTREAMS_UP_TAG_TTL", "0")
        .env("BERTH_PROXY_UPSTREAMS_UP_MAX_BYTES", "lots")
        .env("BERTH_PROXY_UPSTREAMS_UP_PASSWORD", FAKE_KEY)
        .env("BERTH_PROXY_UPSTREAMS_MY_HUB_URL", "http://127.0.0.1:9")
        .env("BERTH_RETENTION_RULES_CI_KEEP_NEWEST", "-1"), TIMEOUT);
    assertRefused(exit, 5,
        "berth.proxy.upstreams.up.tag-ttl=0 (BERTH_PROXY_UPSTREAMS_UP_TAG_TTL): zero",
        "berth.proxy.upstreams.up.max-bytes=lots (BERTH_PROXY_UPSTREAMS_UP_MAX_BYTES): ",
        "berth.proxy.upstreams.up.username is missing: username and password go together",
        "BERTH_PROXY_UPSTREAMS_MY_HUB_URL: a name set in an environment variable can hold letters and digits only",
        "berth.retention.rules.ci.keep-newest=-1 (BERTH_RETENTION_RULES_CI_KEEP_NEWEST): ");
    assertFalse(exit.log().contains(FAKE_KEY), "the password is never printed");
  }

  /** Exited non-zero, said all of {@code expected}, in about one line per problem and without a stack trace. */
  private static void assertRefused(RegistryProcess.Exit exit, int problems, String... expected) {
    String log = exit.log();
    assertNotEquals(0, exit.code(), log);
    for (String e : expected) {
      assertTrue(log.contains(e), "expected <" + e + "> in:\n" + log);
    }
    assertFalse(log.contains("\tat "), "a stack trace:\n" + log);
    long lines = log.lines().filter(l -> !l.isBlank()).count();
    assertTrue(lines <= problems + 3, lines + " lines for " + problems + " problems:\n" + log);
  }
}
