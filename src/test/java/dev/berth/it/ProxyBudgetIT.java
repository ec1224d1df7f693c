package dev.berth.it;

import static dev.berth.it.ProxyImages.assertSameImage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pull-through cache's byte budget against Debian's docker-registry as the upstream: three
 * images sharing a base layer, each more than half of {@code max-bytes}, two of them within it.
 * Pulled A, B, A, C: {@code berth gc} (a separate process, so it knows the order only from the
 * pull times Berth flushed at shutdown) evicts B, the least recently pulled, and frees its own
 * blobs; A and C pull byte-identical from the cache with the upstream stopped, B is fetched again.
 * With a flush interval of an hour, pulls write nothing to storage until the shutdown; with one
 * second, the times are merged into what another replica wrote.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ProxyBudgetIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  static Distribution upstream;
  static String skopeo;
  RegistryProcess berth;
  Path work;

  @BeforeAll
  static void startUpstream() throws Exception {
    skopeo = Cmd.require("skopeo", "skopeo");
    upstream = new Distribution();
  }

  @AfterAll
  static void stopUpstream() throws Exception {
    upstream.close();
  }

  @BeforeEach
  void workDir() {
    work = TempDirs.create("berth-budget-");
  }

  @AfterEach
  void stopBerth() throws Exception {
    try {
      if (berth != null) {
        assertFalse(berth.log().contains(upstream.password), "the upstream's password is in Berth's log");
        berth.close();
      }
    } finally {
      TempDirs.delete(work);
    }
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b); // incompressible: gzip keeps the size
    return b;
  }

  /** An image of the shared base layer and one of its own, pushed to the upstream as {@code repo:v1}. */
  OciLayout.Image pushUpstream(String repo, byte[] base, byte[] own) {
    Path dir = work.resolve("src-" + repo.replace('/', '-'));
    OciLayout layout = OciLayout.create(dir);
    OciLayout.Image image = layout.image("amd64", Map.of("base.bin", base), Map.of("own.bin", own));
    layout.tag("v1", image.manifest());
    ok(skopeo("copy", "--dest-tls-verify=false", "--dest-creds", upstream.creds(), "--format", "oci",
        "oci:" + dir + ":v1", "docker://" + upstream.hostPort() + "/" + repo + ":v1"));
    return image;
  }

  Map<String, String> env(String flushInterval) {
    Map<String, String> env = new HashMap<>();
    env.put("BERTH_PROXY_UPSTREAMS_UP_URL", upstream.url());
    env.put("BERTH_PROXY_UPSTREAMS_UP_USERNAME", Distribution.USER);
    env.put("BERTH_PROXY_UPSTREAMS_UP_PASSWORD", upstream.password);
    env.put("BERTH_PROXY_UPSTREAMS_UP_MAX_BYTES", "800K"); // 819200: A and C (~702 kB) fit, A, B and C (~903 kB) don't
    env.put("BERTH_PROXY_PULL_FLUSH_INTERVAL", flushInterval);
    env.put("BERTH_GC_GRACE", "PT1S");
    return env;
  }

  RegistryProcess.Options options(Map<String, String> env) {
    RegistryProcess.Options o = RegistryProcess.options();
    env.forEach(o::env);
    return o;
  }

  Path pull(String repo, String into) {
    Path dir = work.resolve(into);
    ok(skopeo("copy", "--src-tls-verify=false", "docker://" + berth.hostPort() + "/up/" + repo + ":v1", "oci:" + dir + ":pulled"));
    return dir;
  }

  @Test
  void overBudget_gcEvictsTheLeastRecentlyPulled_thenItIsFetchedAgain() throws Exception {
    byte[] base = random(300_000, 1);
    OciLayout.Image a = pushUpstream("lru/a", base, random(200_000, 2));
    OciLayout.Image b = pushUpstream("lru/b", base, random(200_000, 3));
    OciLayout.Image c = pushUpstream("lru/c", base, random(200_000, 4));
    assertEquals(a.layers().get(0).digest(), b.layers().get(0).digest(), "the base layer is shared");
    Map<String, String> env = env("PT1H");
    Path data = work.resolve("data");
    berth = RegistryProcess.start(options(env).dataDir(data));
    assertSameImage(a, pull("lru/a", "a1"));
    assertSameImage(b, pull("lru/b", "b1"));
    assertSameImage(a, pull("lru/a", "a2"));
    assertSameImage(c, pull("lru/c", "c1"));
    Path times = data.resolve("_proxy/up/pulls");
    assertFalse(Files.exists(times), "no storage write per pull: the first flush is an hour away");
    berth.stop(); // SIGTERM: the shutdown flushes
    assertFalse(berth.log().contains(upstream.password), "the upstream's password is in Berth's log");
    berth.close();
    berth = null;
    Map<String, Long> pulled = pullTimes(times); // written at shutdown
    assertEquals(3, pulled.size(), pulled.toString());
    long ta = pulled.get("up/lru/a " + a.manifest().digest());
    long tb = pulled.get("up/lru/b " + b.manifest().digest());
    assertTrue(tb < ta && ta < pulled.get("up/lru/c " + c.manifest().digest()), pulled.toString());

    Thread.sleep(1500); // past the 1 s grace: nothing newer is evicted or freed
    RegistryProcess.Exit dry = RegistryProcess.runToExit(options(env).dataDir(data).args("gc", "--dry-run"), TIMEOUT);
    assertEquals(0, dry.code(), dry.log());
    assertTrue(dry.log().contains("would remove evict up/lru/b " + b.manifest().digest()), dry.log());
    assertFalse(dry.log().contains("evict up/lru/a") || dry.log().contains("evict up/lru/c"), dry.log());
    RegistryProcess.Exit run = RegistryProcess.runToExit(options(env).dataDir(data).args("gc"), TIMEOUT);
    assertEquals(0, run.code(), run.log());
    assertTrue(run.log().contains("cache eviction evicted 1 manifests"), run.log());
    System.out.println("[budget] " + run.log().lines().filter(l -> l.startsWith("gc:")).findFirst().orElse(run.log()));

    Path repoB = data.resolve("repositories/up,lru,b");
    assertFalse(Files.exists(repoB.resolve("_manifests/sha256/" + hex(b.manifest().digest()))), "B's manifest link is gone");
    assertFalse(Files.exists(repoB.resolve("_tags/v1")), "B's tag is gone");
    for (String gone : List.of(b.manifest().digest(), b.config().digest(), b.layers().get(1).digest())) {
      assertFalse(Files.exists(stored(data, gone)), "B's own blob is freed: " + gone);
    }
    for (OciLayout.Image kept : List.of(a, c)) {
      assertTrue(Files.exists(stored(data, kept.manifest().digest())));
      for (OciLayout.Blob blob : kept.blobs()) {
        assertArrayEquals(blob.bytes(), Files.readAllBytes(stored(data, blob.digest())), "kept: " + blob.digest());
      }
    }
    assertFalse(pullTimes(times).containsKey("up/lru/b " + b.manifest().digest()), "the evicted manifest's time is dropped");

    berth = RegistryProcess.start(options(env).dataDir(data));
    upstream.stop();
    try {
      assertSameImage(a, pull("lru/a", "a3")); // from the cache alone
      assertSameImage(c, pull("lru/c", "c2"));
    } finally {
      upstream.start();
    }
    assertSameImage(b, pull("lru/b", "b2")); // fetched from the upstream again
    assertArrayEquals(b.layers().get(1).bytes(), Files.readAllBytes(stored(data, b.layers().get(1).digest())));
  }

  @Test
  void pullTimes_flushedEveryInterval_mergedWithAnotherReplicasTimes() throws Exception {
    OciLayout.Image d = pushUpstream("flush/d", random(1000, 5), random(1000, 6));
    Path data = work.resolve("data");
    Path times = data.resolve("_proxy/up/pulls");
    Files.createDirectories(times.getParent());
    String key = "up/flush/d " + d.manifest().digest();
    // what another replica flushed: a manifest this one never pulls, and an older time for d
    Files.writeString(times, "1700000000000 up/other/x sha256:" + "ab".repeat(32) + "\n1000 " + key + "\n");
    long before = System.currentTimeMillis();
    berth = RegistryProcess.start(options(env("PT1S")).dataDir(data));
    assertSameImage(d, pull("flush/d", "d1"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (pullTimes(times).getOrDefault(key, 0L) < before && System.nanoTime() < deadline) {
      Thread.sleep(100); // the server is running: only the 1 s interval flushes
    }
    Map<String, Long> merged = pullTimes(times);
    assertTrue(merged.get(key) >= before, merged.toString());
    assertEquals(1_700_000_000_000L, merged.get("up/other/x sha256:" + "ab".repeat(32)), "the other replica's time is kept");
  }

  static Map<String, Long> pullTimes(Path file) throws IOException {
    Map<String, Long> m = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      int space = line.indexOf(' ');
      m.put(line.substring(space + 1), Long.parseLong(line.substring(0, space)));
    }
    return m;
  }

  static String hex(String digest) {
    return digest.substring("sha256:".length());
  }

  static Path stored(Path data, String digest) {
    String hex = hex(digest);
    return data.resolve("blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
  }

  static Cmd.Result skopeo(String... args) {
    return ProxyImages.skopeo(skopeo, args);
  }

  void ok(Cmd.Result r) {
    assertTrue(r.succeeded(), () -> r.describe() + "\n[berth log]\n" + ProxyIT.tail(berth));
  }
}
