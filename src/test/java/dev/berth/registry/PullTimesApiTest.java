package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.FilesystemStorageProfile;
import dev.berth.config.BerthConfig;
import dev.berth.storage.StorageDriver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link PullTimes} on the filesystem driver (its conditional writes are a compare-and-swap): pulls
 * touch no storage until a flush, and two replicas (two instances over one storage) flushing at the
 * same time lose none of each other's times.
 */
@QuarkusTest
@TestProfile(PullTimesApiTest.Profile.class)
class PullTimesApiTest {
  @Inject
  StorageDriver storage;
  @Inject
  BerthConfig config;

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> m = new HashMap<>(new FilesystemStorageProfile().getConfigOverrides());
      m.put("berth.proxy.upstreams.up.url", "http://127.0.0.1:9"); // never asked: nothing is pulled through
      m.put("berth.proxy.upstreams.other.url", "http://127.0.0.1:9");
      m.put("berth.proxy.upstreams.up.max-bytes", "1G"); // only budgeted upstreams' pulls are recorded
      m.put("berth.proxy.upstreams.other.max-bytes", "1G");
      m.put("berth.proxy.upstreams.unbounded.url", "http://127.0.0.1:9");
      return m;
    }
  }

  static Digest digest(int i) {
    return Digest.of(DigestAlgorithm.SHA256, ("m" + i).getBytes());
  }

  @Test
  void pullsWriteNothingUntilTheFlush() {
    PullTimes times = new PullTimes(storage, config);
    for (int i = 0; i < 1000; i++) {
      times.pulled(new RepositoryName("other/app"), digest(i % 10));
    }
    assertTrue(storage.stat(StorageLayout.pullTimes("other")).isEmpty(), "1000 pulls, no write");
    times.flush();
    assertEquals(10, times.read("other").size());
    String etag = storage.getSmall(StorageLayout.pullTimes("other")).orElseThrow().etag();
    times.flush();
    assertEquals(etag, storage.getSmall(StorageLayout.pullTimes("other")).orElseThrow().etag(), "nothing new: no write");
    times.pulled(new RepositoryName("unbounded/app"), digest(1));
    times.flush();
    assertTrue(storage.stat(StorageLayout.pullTimes("unbounded")).isEmpty(), "an upstream without max-bytes records nothing");
  }

  @Test
  void twoReplicasFlushingAtOnce_loseNoTime() {
    PullTimes one = new PullTimes(storage, config);
    PullTimes two = new PullTimes(storage, config);
    RepositoryName shared = new RepositoryName("up/shared");
    CompletableFuture<Void> a = CompletableFuture.runAsync(() -> replica(one, "up/one"));
    CompletableFuture<Void> b = CompletableFuture.runAsync(() -> replica(two, "up/two"));
    a.join();
    b.join();
    two.flush(); // what a flush that lost every race kept for the next
    one.pulled(shared, digest(0));
    long last = System.currentTimeMillis();
    one.flush();
    Map<String, Long> stored = one.read("up");
    assertEquals(201, stored.size(), "every replica's every manifest");
    assertTrue(stored.get(PullTimes.key(shared, digest(0))) >= last, "the later time of the shared manifest");
  }

  private static void replica(PullTimes times, String repo) {
    for (int i = 0; i < 100; i++) {
      times.pulled(new RepositoryName(repo), digest(i));
      times.pulled(new RepositoryName("up/shared"), digest(0));
      try {
        times.flush();
      } catch (dev.berth.storage.StorageException e) {
        // lost every retry to the other replica: the times stay pending for the next flush
      }
    }
  }
}
