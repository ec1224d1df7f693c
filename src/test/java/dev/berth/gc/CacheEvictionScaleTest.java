package dev.berth.gc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.Digest;
import dev.berth.registry.DigestAlgorithm;
import dev.berth.registry.Listings;
import dev.berth.registry.PullTimes;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.StorageLayout;
import dev.berth.registry.Tag;
import dev.berth.storage.Precondition;
import dev.berth.storage.StorageDriver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * How long a GC run with cache eviction takes on the filesystem: {@code -Dgc.scale.manifests=10000}
 * (default 1000) cached manifests of the upstream {@code up} (100 repositories, 500 shared layers,
 * a config and a 1000-byte layer of its own each), written straight into storage, half of them with
 * a pull time, and a budget of about half of it. Checks that every evicted manifest was used before
 * every kept one, and that what is left is within the budget.
 */
@QuarkusTest
@TestProfile(CacheEvictionScaleTest.Profile.class)
class CacheEvictionScaleTest {
  static final int N = Integer.getInteger("gc.scale.manifests", 1000);
  static final long BUDGET = N * 700L;
  @Inject
  GarbageCollector gc;
  @Inject
  StorageDriver storage;

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> m = new HashMap<>(new GcProfiles.Filesystem().getConfigOverrides());
      m.put("berth.proxy.upstreams.up.url", "http://127.0.0.1:9"); // never asked
      m.put("berth.proxy.upstreams.up.max-bytes", Long.toString(BUDGET));
      return m;
    }
  }

  private Digest blob(byte[] data) {
    Digest d = Digest.of(DigestAlgorithm.SHA256, data);
    storage.putSmall(StorageLayout.blobData(d), data, Precondition.NONE);
    return d;
  }

  private static String desc(String type, Digest d, int size) {
    return "{\"mediaType\":\"" + type + "\",\"digest\":\"" + d + "\",\"size\":" + size + "}";
  }

  @Test
  void timeOfOneRunWithEviction() throws Exception {
    Digest[] shared = IntStream.range(0, 500).mapToObj(i -> blob(("shared " + i).getBytes())).toArray(Digest[]::new);
    String[] keys = new String[N];
    IntStream.range(0, N).parallel().forEach(i -> {
      RepositoryName repo = new RepositoryName("up/r" + (i % 100));
      byte[] config = ("{\"i\":" + i + "}").getBytes();
      byte[] own = new byte[1000];
      new java.util.Random(i).nextBytes(own);
      Digest c = blob(config);
      Digest l = blob(own);
      Digest s = shared[i % shared.length];
      String json = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
          + desc("application/vnd.oci.image.config.v1+json", c, config.length) + ",\"layers\":["
          + desc("application/vnd.oci.image.layer.v1.tar", s, 9) + "," + desc("application/vnd.oci.image.layer.v1.tar", l, 1000) + "]}";
      Digest m = blob(json.getBytes(StandardCharsets.UTF_8));
      for (Digest d : new Digest[] {c, l, s}) {
        storage.putSmall(StorageLayout.layerLink(repo, d), d.toString().getBytes(), Precondition.NONE);
      }
      storage.putSmall(StorageLayout.manifestLink(repo, m), "application/vnd.oci.image.manifest.v1+json".getBytes(), Precondition.NONE);
      storage.putSmall(StorageLayout.tag(repo, new Tag("t" + i)), m.toString().getBytes(), Precondition.NONE);
      keys[i] = PullTimes.key(repo, m);
    });
    // Pull times after every link was written, before the cutoff: odd ones pulled, in a shuffled order.
    long written = System.currentTimeMillis() + 50;
    Map<String, Long> times = new TreeMap<>();
    for (int i = 1; i < N; i += 2) {
      times.put(keys[i], written + (i * 7919L % N) * 1000 / N);
    }
    StringBuilder b = new StringBuilder();
    times.forEach((k, t) -> b.append(t).append(' ').append(k).append('\n'));
    storage.putSmall(StorageLayout.pullTimes("up"), b.toString().getBytes(StandardCharsets.UTF_8), Precondition.NONE);
    Thread.sleep(GcProfiles.GRACE_MS + 1200); // every pull time is before the run's cutoff
    GcReport dry = gc.run(true);
    GcReport real = gc.run(false);
    System.out.printf("GC eviction scale: %d cached manifests, budget %d bytes; dry run %d ms; run %d ms: %s%n", N, BUDGET,
        dry.took().toMillis(), real.took().toMillis(), real.summary());
    assertTrue(real.manifestsEvicted() > N / 4 && real.manifestsEvicted() < N, real.summary());

    long lastEvicted = Long.MIN_VALUE;
    long firstKept = Long.MAX_VALUE;
    long kept = 0;
    for (int i = 0; i < N; i++) {
      String[] parts = keys[i].split(" ");
      RepositoryName repo = new RepositoryName(parts[0]);
      Digest m = Digest.parse(parts[1]);
      boolean there = storage.stat(StorageLayout.manifestLink(repo, m)).isPresent();
      long used = times.getOrDefault(keys[i], 0L); // unpulled ones rank by their link's time, before any pull
      if (there) {
        firstKept = Math.min(firstKept, used);
        kept++;
      } else {
        lastEvicted = Math.max(lastEvicted, used);
      }
    }
    assertTrue(lastEvicted <= firstKept, "evicted one used at " + lastEvicted + ", kept one at " + firstKept);
    assertTrue(kept * 1400 <= BUDGET + 500 * 9, kept + " kept manifests within the budget");
    assertTrue(Listings.all(storage, StorageLayout.REPOSITORIES).size() > 0);
  }
}
