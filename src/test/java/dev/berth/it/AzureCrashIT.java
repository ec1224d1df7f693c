package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * An upload on Azure survives a {@code kill -9} of the registry in the middle of a PATCH: a new
 * process reports the bytes committed before the crash, the client continues from there, and the
 * blob's digest is right.
 */
class AzureCrashIT {

  @Test
  void upload_survivesKill9MidPatch() throws Exception {
    try (Azurite azurite = Azurite.start()) {
      var opts = RegistryProcess.options().env("BERTH_STORAGE_AZURE_BLOCK_SIZE", "1048576");
      azurite.sharedKeyEnv("crash").forEach(opts::env);
      byte[] blob = new byte[12 * 1024 * 1024 + 4321];
      new Random(99).nextBytes(blob);
      String digest = RegistryClient.sha256(blob);
      int committed = 1_500_000;

      String loc;
      RegistryProcess first = RegistryProcess.start(opts);
      try {
        RegistryClient c = new RegistryClient(first.url());
        loc = c.startUpload("crash/test");
        assertEquals(202, c.patch(loc, Arrays.copyOfRange(blob, 0, committed), 0).statusCode());
        AtomicLong sent = new AtomicLong();
        InputStream body = new ThrottledStream(new ByteArrayInputStream(blob, committed, blob.length - committed), sent, 64 * 1024, 5);
        String l = loc;
        CompletableFuture<HttpResponse<byte[]>> inFlight = CompletableFuture.supplyAsync(() -> {
          try {
            return c.patchStream(l, body);
          } catch (Exception e) {
            return null; // the connection dies with the registry
          }
        });
        long deadline = System.currentTimeMillis() + 60_000;
        while (sent.get() < 4 * 1024 * 1024 && System.currentTimeMillis() < deadline) {
          Thread.sleep(20);
        }
        assertTrue(sent.get() >= 4 * 1024 * 1024, "the slow PATCH did not get going");
        first.kill();
        inFlight.join();
      } finally {
        first.close();
      }

      try (RegistryProcess second = RegistryProcess.start(opts)) {
        RegistryClient c = new RegistryClient(second.url());
        HttpResponse<byte[]> status = c.send("GET", loc, null);
        assertEquals(204, status.statusCode());
        String range = status.headers().firstValue("Range").orElseThrow();
        long received = Long.parseLong(range.substring(range.indexOf('-') + 1)) + 1;
        // Blocks staged by the killed PATCH were never committed: progress is what was committed.
        assertEquals(committed, received, "Range after the crash: " + range);
        HttpResponse<byte[]> rest = c.patch(loc, Arrays.copyOfRange(blob, (int) received, blob.length), received);
        assertEquals(202, rest.statusCode(), new String(rest.body()));
        HttpResponse<byte[]> put = c.finish(loc, digest);
        assertEquals(201, put.statusCode(), new String(put.body()));
        assertArrayEquals(blob, c.getBlob("crash/test", digest));
      }
    }
  }
}
