package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.CountingProxy.Kind;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code berth.storage.azure.upload-parallelism} and {@code download-parallelism} on the packaged
 * registry: behind a proxy that adds 20 ms to every Azurite request and counts those in flight,
 * one 24 MiB push and pull (six 4 MiB blocks and ranges) have four Put Blocks and ranged GETs in
 * flight at a time with 4, exactly one with 1, and the bytes come back identical either way.
 */
class AzureParallelTransfersIT {
  private static final int SIZE = 24 << 20;

  @Test
  void parallelismFour_severalRequestsInFlight() throws Exception {
    int[] peaks = pushAndPull(4, "parallel4");
    assertTrue(peaks[0] >= 2 && peaks[0] <= 4, "Put Blocks in flight at once: " + peaks[0]);
    assertTrue(peaks[1] >= 2 && peaks[1] <= 4, "ranged GETs in flight at once: " + peaks[1]);
  }

  @Test
  void parallelismOne_oneRequestAtATime() throws Exception {
    int[] peaks = pushAndPull(1, "parallel1");
    assertEquals(1, peaks[0], "Put Blocks in flight at once");
    assertEquals(1, peaks[1], "ranged GETs in flight at once");
  }

  /** Returns the peak of Put Blocks and of ranged GETs in flight. */
  private static int[] pushAndPull(int parallelism, String container) throws Exception {
    try (CountingProxy proxy = new CountingProxy(0, Azurite.shared().port(), 20)) {
      RegistryProcess.Options o = RegistryProcess.options();
      for (Map.Entry<String, String> e : Azurite.shared().sharedKeyEnv(container).entrySet()) {
        o.env(e.getKey(), e.getValue());
      }
      o.env("BERTH_STORAGE_AZURE_ENDPOINT", proxy.endpoint())
          .env("BERTH_STORAGE_AZURE_UPLOAD_PARALLELISM", Integer.toString(parallelism))
          .env("BERTH_STORAGE_AZURE_DOWNLOAD_PARALLELISM", Integer.toString(parallelism));
      try (RegistryProcess reg = RegistryProcess.start(o)) {
        byte[] data = new byte[SIZE];
        new Random(parallelism).nextBytes(data);
        RegistryClient client = new RegistryClient(reg.url());
        proxy.reset();
        String digest = client.pushBlob("parallel/layer", data);
        int stagePeak = proxy.peak(Kind.STAGE_BLOCK);
        assertArrayEquals(data, client.getBlob("parallel/layer", digest), "pulled bytes");
        return new int[] {stagePeak, proxy.peak(Kind.RANGE_READ)};
      }
    }
  }
}
