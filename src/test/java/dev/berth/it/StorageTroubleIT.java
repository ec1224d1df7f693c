package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Filesystem storage that can't be used at startup (a regular file where the root directory
 * should be) is a probe state, not a crash: the registry starts, its startup and readiness probes
 * and its registry requests say why in one line, and it recovers by itself once the root can be
 * created, without a restart.
 */
class StorageTroubleIT {

  @Test
  void rootBlockedByAFile_staysUpSaysWhy_recoversWhenUnblocked() throws Exception {
    Path dir = TempDirs.create("berth-blocked-");
    Path root = dir.resolve("root");
    Files.writeString(root, "a file where the storage root should be\n");
    var opts = RegistryProcess.options()
        .dataDir(root)
        .env("BERTH_HEALTH_CACHE_TTL", "PT1S")
        .ready(RegistryProcess.Ready.LIVE);
    long started = System.nanoTime();
    try (RegistryProcess reg = RegistryProcess.start(opts)) {
      Probes.Probe startup = Probes.get(reg, "/q/health/started");
      assertEquals(503, startup.status(), startup.body().toString());
      String reason = startup.downReason("storage-started");
      assertTrue(reason.contains(root.toString()), "the reason names the root: " + reason);
      assertTrue(reason.matches("(?i).*(not a directory|a file|exists).*"), "the reason names the cause: " + reason);

      Probes.Probe ready = Probes.get(reg, "/q/health/ready");
      assertEquals(503, ready.status(), ready.body().toString());
      assertEquals(reason, ready.downReason("storage"));

      RegistryClient c = new RegistryClient(reg.url());
      Probes.assertUnavailable(c.send("POST", "/v2/a/b/blobs/uploads/", null), reason);
      Probes.assertStillRunning(reg, started, Duration.ofSeconds(3));

      // The operator removes the file: the registry creates the root and serves, same process.
      Files.delete(root);
      Probes.await(reg, "/q/health/ready", 200, Duration.ofSeconds(20));
      assertEquals(200, Probes.get(reg, "/q/health/started").status());
      byte[] blob = new byte[100_000];
      new Random(7).nextBytes(blob);
      String digest = c.pushBlob("a/b", blob);
      assertEquals(200, c.send("GET", "/v2/a/b/blobs/" + digest, null).statusCode());
      assertTrue(Files.isDirectory(root), "the root was created");

      String log = reg.log();
      Probes.assertQuietLog(log, 5);
      assertTrue(log.lines().count() < 30, "a short log:\n" + log);
      assertEquals(1, log.lines().filter(l -> l.contains("not ready: ") && l.contains("(will keep trying)")).count(),
          "one startup line says storage is not ready:\n" + log);
    } finally {
      TempDirs.delete(dir);
    }
  }
}
