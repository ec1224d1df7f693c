package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The upload purger as a user meets it, on the packaged registry (the native executable with
 * -Dnative): with {@code berth.uploads.purge-*} set to seconds, an abandoned upload is gone (404,
 * and its state and bytes deleted from storage) soon after, while an upload whose body is still
 * streaming in for several purge periods is kept and finishes with the right blob.
 */
class UploadPurgeIT {
  // Long enough that checking storage right after the PATCH (a loaded CI machine, a first Azure
  // call) cannot lose the race against the purger; CI once saw the session purged before the check.
  private static final String AFTER_SECONDS = "5";

  /** Extra environment that chooses the storage (none: the filesystem). */
  protected Map<String, String> storageEnv() {
    return Map.of();
  }

  /** Whether storage holds an object at the key. */
  protected boolean stored(RegistryProcess reg, String key) throws Exception {
    return Files.exists(reg.dataDir().resolve(key));
  }

  @Test
  void abandonedUpload_purged_streamingUpload_kept() throws Exception {
    RegistryProcess.Options o = RegistryProcess.options()
        .env("BERTH_UPLOADS_PURGE_AFTER", "PT" + AFTER_SECONDS + "S")
        .env("BERTH_UPLOADS_PURGE_INTERVAL", "PT1S")
        .env("BERTH_UPLOADS_PURGE_FIRST_RUN", "PT1S");
    storageEnv().forEach(o::env);
    try (RegistryProcess reg = RegistryProcess.start(o)) {
      RegistryClient c = new RegistryClient(reg.url());
      // Also warms the storage client, so the check after the PATCH below is quick.
      assertFalse(stored(reg, "_uploads/none"), "no session before the test's");
      String abandoned = c.startUpload("purge/app");
      assertEquals(202, c.patch(abandoned, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0).statusCode());
      String uuid = abandoned.substring(abandoned.lastIndexOf('/') + 1);
      assertTrue(stored(reg, "_uploads/" + uuid) && stored(reg, "_data/" + uuid), "the session is in storage");

      // ~17 s of body, more than three purge periods: 68 pieces of 8 KiB, one every 250 ms.
      byte[] slow = new byte[68 * 8192];
      new Random(7).nextBytes(slow);
      String active = c.startUpload("purge/app");
      long t0 = System.nanoTime();
      CompletableFuture<HttpResponse<byte[]>> patch = CompletableFuture.supplyAsync(() -> {
        try {
          return c.patchStream(active, new ThrottledStream(new ByteArrayInputStream(slow), new AtomicLong(), 8192, 250));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });

      long deadline = System.nanoTime() + 30_000_000_000L;
      while (c.send("GET", abandoned, null).statusCode() != 404) {
        assertTrue(System.nanoTime() < deadline, "the abandoned upload was not purged in 30 s:\n" + reg.log());
        Thread.sleep(200);
      }
      System.out.printf("abandoned upload gone after %.1f s%n", (System.nanoTime() - t0) / 1e9);
      assertFalse(stored(reg, "_uploads/" + uuid), "state deleted");
      assertFalse(stored(reg, "_data/" + uuid), "bytes deleted");

      HttpResponse<byte[]> r = patch.get();
      assertEquals(202, r.statusCode(), new String(r.body()) + "\n" + reg.log());
      assertTrue((System.nanoTime() - t0) / 1e9 > 3 * Integer.parseInt(AFTER_SECONDS), "the body streamed for several purge periods");
      assertEquals(201, c.finish(active, RegistryClient.sha256(slow)).statusCode(), reg.log());
      assertArrayEquals(slow, c.getBlob("purge/app", RegistryClient.sha256(slow)));
      assertTrue(reg.log().contains("purged 1 abandoned upload"), reg.log());
    }
  }
}
