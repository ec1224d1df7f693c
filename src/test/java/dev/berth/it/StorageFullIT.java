package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A full disk, for real: the filesystem root is a small tmpfs. Readiness goes DOWN below
 * {@code berth.storage.filesystem.min-free-space} with a reason that says so, the upload that
 * finds no space gets 507 "storage is full", and freeing space makes the registry ready again.
 * Mounting needs root (CI runs as root); without it the test fails, it never skips.
 */
class StorageFullIT {
  private static final String FREE_SPACE_REASON =
      "free space [0-9.]+ MiB below berth.storage.filesystem.min-free-space 2 MiB";

  @Test
  void fullDisk_507AndNotReady_readyAgainWhenFreed() throws Exception {
    String uid = Cmd.of("id", "-u").ok().stdout().strip();
    if (!uid.equals("0")) {
      fail("StorageFullIT mounts a tmpfs and needs root (uid 0), runs as uid " + uid);
    }
    Path root = TempDirs.create("berth-full-");
    try {
      Cmd.of("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", root.toString()).timeout(Duration.ofSeconds(30)).ok();
      var opts = RegistryProcess.options()
          .dataDir(root)
          .env("BERTH_STORAGE_FILESYSTEM_MIN_FREE_SPACE", "2M")
          .env("BERTH_HEALTH_CACHE_TTL", "PT1S");
      try (RegistryProcess reg = RegistryProcess.start(opts)) {
        run(reg, root);
      }
    } finally {
      Cmd.of("umount", root.toString()).timeout(Duration.ofSeconds(60)).run();
      TempDirs.delete(root);
    }
  }

  private static void run(RegistryProcess reg, Path root) throws Exception {
    assertEquals(200, Probes.get(reg, "/q/health/ready").status());
    RegistryClient c = new RegistryClient(reg.url());
    Random random = new Random(42);

    // 256 KiB blobs: small enough that the client has sent the whole body when the registry answers.
    HttpResponse<byte[]> full = null;
    String failedUpload = null;
    for (int i = 0; i < 64 && full == null; i++) {
      byte[] blob = new byte[256 * 1024];
      random.nextBytes(blob);
      HttpResponse<byte[]> post = c.send("POST", "/v2/full/disk/blobs/uploads/", null);
      if (post.statusCode() != 202) {
        full = post;
        break;
      }
      String location = post.headers().firstValue("Location").orElseThrow();
      HttpResponse<byte[]> put = c.send("PUT", location + "?digest=" + RegistryClient.sha256(blob), blob,
          "Content-Type", "application/octet-stream");
      if (put.statusCode() != 201) {
        full = put;
        failedUpload = location;
      }
    }
    assertNotNull(full, "8 MiB of storage took 16 MiB of blobs");
    String body = new String(full.body(), StandardCharsets.UTF_8);
    assertEquals(507, full.statusCode(), body);
    JsonNode error = Probes.error(full);
    assertEquals("UNAVAILABLE", error.path("code").asText(), body);
    assertEquals("storage is full", error.path("detail").asText(), body);

    Probes.Probe ready = Probes.await(reg, "/q/health/ready", 503, Duration.ofSeconds(10));
    String reason = ready.downReason("storage-free-space");
    assertTrue(reason.matches(FREE_SPACE_REASON), reason);
    assertEquals(200, Probes.get(reg, "/q/health/live").status());

    // Free space: cancel the upload that failed (its bytes go) and remove blobs as a cleanup would.
    if (failedUpload != null) {
      c.send("DELETE", failedUpload, null);
    }
    TempDirs.delete(root.resolve("blobs"));
    Probes.await(reg, "/q/health/ready", 200, Duration.ofSeconds(10));
    byte[] blob = new byte[256 * 1024];
    random.nextBytes(blob);
    String digest = c.pushBlob("full/disk", blob);
    assertEquals(200, c.send("GET", "/v2/full/disk/blobs/" + digest, null).statusCode());

    String log = reg.log();
    Probes.assertQuietLog(log, 6);
    assertTrue(log.contains("min-free-space"), "the log says the disk is nearly full:\n" + log);
  }
}
