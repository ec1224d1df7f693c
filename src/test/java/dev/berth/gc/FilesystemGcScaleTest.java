package dev.berth.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.Digest;
import dev.berth.registry.DigestAlgorithm;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.StorageLayout;
import dev.berth.registry.Tag;
import dev.berth.storage.Precondition;
import dev.berth.storage.StorageDriver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * How long a GC run takes for many manifests on the filesystem: {@code -Dgc.scale.manifests=10000}
 * (default 1000, to stay quick in the suite). Writes the repositories straight into storage (100
 * repositories, a pool of 500 shared layers, a config and a layer of its own per manifest, one tag
 * each, one in ten manifests untagged-and-unlinked garbage), then times a dry run and a real run.
 */
@QuarkusTest
@TestProfile(GcProfiles.Filesystem.class)
class FilesystemGcScaleTest {
  @Inject
  GarbageCollector gc;
  @Inject
  StorageDriver storage;

  private Digest blob(byte[] data) {
    Digest d = Digest.of(DigestAlgorithm.SHA256, data);
    storage.putSmall(StorageLayout.blobData(d), data, Precondition.NONE);
    return d;
  }

  private static String desc(Digest d, int size) {
    return "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + d + "\",\"size\":" + size + "}";
  }

  @Test
  void timeOfOneRun() throws Exception {
    int n = Integer.getInteger("gc.scale.manifests", 1000);
    // Other test classes of this profile share the storage: collect what they left first, and
    // count their live manifests, so the numbers below are this test's alone.
    Thread.sleep(GcProfiles.GRACE_MS + 200);
    long before = gc.run(false).manifests();
    Digest[] shared = IntStream.range(0, 500).mapToObj(i -> blob(("shared " + i).getBytes())).toArray(Digest[]::new);
    long t0 = System.nanoTime();
    IntStream.range(0, n).parallel().forEach(i -> {
      RepositoryName repo = new RepositoryName("scale/r" + (i % 100));
      byte[] config = ("{\"i\":" + i + "}").getBytes();
      byte[] own = ("layer " + i).getBytes();
      Digest c = blob(config);
      Digest l = blob(own);
      Digest s = shared[i % shared.length];
      String json = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
          + desc(c, config.length).replace("layer.v1.tar", "config.v1+json") + ",\"layers\":[" + desc(s, 9) + "," + desc(l, own.length) + "]}";
      Digest m = blob(json.getBytes(StandardCharsets.UTF_8));
      for (Digest d : new Digest[] {c, l, s}) {
        storage.putSmall(StorageLayout.layerLink(repo, d), d.toString().getBytes(), Precondition.NONE);
      }
      if (i % 10 != 0) {
        storage.putSmall(StorageLayout.manifestLink(repo, m), "application/vnd.oci.image.manifest.v1+json".getBytes(), Precondition.NONE);
        storage.putSmall(StorageLayout.tag(repo, new Tag("t" + i)), m.toString().getBytes(), Precondition.NONE);
      }
    });
    double setup = (System.nanoTime() - t0) / 1e9;
    Thread.sleep(GcProfiles.GRACE_MS + 200);
    GcReport dry = gc.run(true);
    GcReport real = gc.run(false);
    System.out.printf("GC scale: %d manifests written in %.1f s; dry run %d ms; run %d ms: %s%n", n, setup,
        dry.took().toMillis(), real.took().toMillis(), real.summary());
    assertEquals(before + n - n / 10, real.manifests());
    // the garbage manifests, their configs and own layers, and the 50 shared layers only they use
    assertEquals(3L * (n / 10) + 50, real.blobsFreed());
    assertEquals(0, gc.run(false).blobsFreed());
  }
}
