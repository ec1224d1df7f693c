package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stateless replicas: two Berth processes on one Azurite serve one upload, its PATCHes
 * alternating between them, and either finishes it with the right digest.
 */
class AzureReplicasIT {
  static Azurite azurite;
  static RegistryProcess a;
  static RegistryProcess b;

  @BeforeAll
  static void start() throws Exception {
    azurite = Azurite.start();
    // A small block size makes every PATCH exercise block coalescing and the tail re-read.
    var opts = RegistryProcess.options().env("BERTH_STORAGE_AZURE_BLOCK_SIZE", "262144");
    azurite.sharedKeyEnv("replicas").forEach(opts::env);
    a = RegistryProcess.start(opts);
    b = RegistryProcess.start(opts);
  }

  @AfterAll
  static void stop() throws Exception {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
    if (azurite != null) {
      azurite.close();
    }
  }

  private static byte[] data(int size, long seed) {
    byte[] d = new byte[size];
    new Random(seed).nextBytes(d);
    return d;
  }

  @Test
  void chunkedUpload_patchesAlternateBetweenReplicas_finishOnEither() throws Exception {
    for (int finisher = 0; finisher < 2; finisher++) {
      byte[] blob = data(3 * 1024 * 1024 + 12345, 42 + finisher);
      String digest = RegistryClient.sha256(blob);
      RegistryClient[] replicas = {new RegistryClient(a.url()), new RegistryClient(b.url())};
      String repo = "replicas/alternate" + finisher;
      String loc = replicas[0].startUpload(repo);
      int offset = 0;
      int i = 0;
      while (offset < blob.length) {
        int len = Math.min(blob.length - offset, 300_000 + 77_777 * (i % 3)); // uneven chunks
        byte[] chunk = Arrays.copyOfRange(blob, offset, offset + len);
        RegistryClient r = replicas[i % 2];
        HttpResponse<byte[]> res = r.patch(loc, chunk, offset);
        assertEquals(202, res.statusCode(), new String(res.body()));
        offset += len;
        assertEquals("0-" + (offset - 1), res.headers().firstValue("Range").orElseThrow());
        // The other replica reads the progress back from storage.
        HttpResponse<byte[]> status = replicas[(i + 1) % 2].send("GET", loc, null);
        assertEquals(204, status.statusCode());
        assertEquals("0-" + (offset - 1), status.headers().firstValue("Range").orElseThrow());
        i++;
      }
      HttpResponse<byte[]> put = replicas[finisher].finish(loc, digest);
      assertEquals(201, put.statusCode(), new String(put.body()));
      assertEquals(digest, put.headers().firstValue("Docker-Content-Digest").orElseThrow());
      assertArrayEquals(blob, replicas[0].getBlob(repo, digest));
      assertArrayEquals(blob, replicas[1].getBlob(repo, digest));
    }
  }

  @Test
  void outOfOrderChunk_onOtherReplica_isRefusedWithCurrentRange() throws Exception {
    RegistryClient ra = new RegistryClient(a.url());
    RegistryClient rb = new RegistryClient(b.url());
    byte[] blob = data(600_000, 7);
    String loc = ra.startUpload("replicas/order");
    assertEquals(202, ra.patch(loc, Arrays.copyOfRange(blob, 0, 400_000), 0).statusCode());
    HttpResponse<byte[]> stale = rb.patch(loc, Arrays.copyOfRange(blob, 0, 400_000), 0);
    assertEquals(416, stale.statusCode());
    assertEquals("0-399999", stale.headers().firstValue("Range").orElseThrow());
    assertEquals(202, rb.patch(loc, Arrays.copyOfRange(blob, 400_000, 600_000), 400_000).statusCode());
    HttpResponse<byte[]> put = ra.finish(loc, RegistryClient.sha256(blob));
    assertEquals(201, put.statusCode(), new String(put.body()));
    assertArrayEquals(blob, rb.getBlob("replicas/order", RegistryClient.sha256(blob)));
  }

  @Test
  void wrongDigest_afterReplicaSwitch_isRejectedAndNothingStored() throws Exception {
    RegistryClient ra = new RegistryClient(a.url());
    RegistryClient rb = new RegistryClient(b.url());
    byte[] blob = data(500_000, 9);
    String loc = ra.startUpload("replicas/bad");
    assertEquals(202, ra.patch(loc, Arrays.copyOfRange(blob, 0, 250_000), 0).statusCode());
    assertEquals(202, rb.patch(loc, Arrays.copyOfRange(blob, 250_000, 500_000), 250_000).statusCode());
    String wrong = RegistryClient.sha256(new byte[] {1, 2, 3});
    HttpResponse<byte[]> put = ra.finish(loc, wrong);
    assertEquals(400, put.statusCode());
    assertTrue(new String(put.body()).contains("DIGEST_INVALID"));
    assertEquals(404, ra.send("HEAD", "/v2/replicas/bad/blobs/" + wrong, null).statusCode());
    assertEquals(404, rb.send("HEAD", "/v2/replicas/bad/blobs/" + RegistryClient.sha256(blob), null).statusCode());
  }
}
