package dev.berth.it;

import static dev.berth.it.OciLayout.files;
import static dev.berth.it.ProxyImages.assertSameImage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pull-through cache against a real upstream, Debian's docker-registry (distribution 2.8.2)
 * with htpasswd auth: skopeo pulls through Berth by prefix ({@code up/<repo>}) byte for byte, and
 * again from the cache with the upstream stopped; a tag moved upstream is seen once the TTL
 * (1 s here) is over; 16 concurrent GETs of an uncached blob make one upstream GET; a corrupted
 * upstream blob reaches no client whole and is not stored; a layer stored for another repository
 * is linked after an upstream HEAD instead of fetched again; pushes to the prefix are refused.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ProxyIT {
  static Distribution upstream;
  static RegistryProcess berth;
  static String skopeo;
  Path work;

  @BeforeAll
  static void start() throws Exception {
    skopeo = Cmd.require("skopeo", "skopeo");
    Cmd.require("curl", "curl");
    upstream = new Distribution();
    berth = RegistryProcess.start(RegistryProcess.options()
        .env("BERTH_PROXY_UPSTREAMS_UP_URL", upstream.url())
        .env("BERTH_PROXY_UPSTREAMS_UP_USERNAME", Distribution.USER)
        .env("BERTH_PROXY_UPSTREAMS_UP_PASSWORD", upstream.password)
        .env("BERTH_PROXY_UPSTREAMS_UP_TAG_TTL", "PT1S")
        .env("QUARKUS_LOG_CATEGORY__DEV_BERTH_PROXY__LEVEL", "DEBUG")
        .jvmArgs("-Xmx64m")); // less than the 256 MiB blob: blobs are streamed, never held
    System.out.println("[proxy] Berth on " + berth.url() + " caching " + upstream.url());
  }

  @AfterAll
  static void stop() throws Exception {
    ProxyImages.stop(berth, upstream);
  }

  @BeforeEach
  void workDir() {
    work = TempDirs.create("berth-proxy-");
  }

  @AfterEach
  void cleanWorkDir() {
    TempDirs.delete(work);
  }

  static Cmd.Result skopeo(String... args) {
    return ProxyImages.skopeo(skopeo, args);
  }

  static void ok(Cmd.Result r) {
    assertTrue(r.succeeded(), () -> r.describe() + "\n[berth log]\n" + tail(berth));
  }

  static String tail(RegistryProcess r) {
    try {
      String log = r.log();
      return log.substring(Math.max(0, log.length() - 6000));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** A two-layer image pushed to the upstream as {@code repo:tag}. */
  OciLayout.Image pushUpstream(String repo, String tag, String marker) {
    Path dir = work.resolve("src-" + marker);
    OciLayout.Image image = ProxyImages.twoLayers(dir, marker, tag);
    ok(skopeo("copy", "--dest-tls-verify=false", "--dest-creds", upstream.creds(), "--format", "oci",
        "oci:" + dir + ":" + tag, "docker://" + upstream.hostPort() + "/" + repo + ":" + tag));
    return image;
  }

  /** Pulls {@code up/<repo>:tag} through Berth into a fresh layout and returns it. */
  Path pullThrough(String repoTag, String into) {
    Path dir = work.resolve(into);
    ok(skopeo("copy", "--src-tls-verify=false", "docker://" + berth.hostPort() + "/up/" + repoTag, "oci:" + dir + ":pulled"));
    return dir;
  }

  Path stored(String digest) {
    String hex = digest.substring("sha256:".length());
    return berth.dataDir().resolve("blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
  }

  @Test
  void pullByPrefix_byteIdentical_thenFromTheCacheWithTheUpstreamStopped() throws Exception {
    OciLayout.Image image = pushUpstream("team/app", "v1", "first");
    assertSameImage(image, pullThrough("team/app:v1", "pull-1"));
    assertTrue(Files.isDirectory(berth.dataDir().resolve("repositories/up,team,app/_manifests")), "cached under the prefixed name");
    for (OciLayout.Blob b : image.blobs()) {
      assertArrayEquals(b.bytes(), Files.readAllBytes(stored(b.digest())), "stored in Berth's storage: " + b.digest());
    }

    upstream.stop();
    try {
      Thread.sleep(1500); // past the 1 s tag TTL: the pulls below ask the (stopped) upstream first
      long warned = servingCachedWarnings();
      assertSameImage(image, pullThrough("team/app:v1", "pull-2"));
      long asked = upstreamAttempts();
      assertTrue(asked > 0, "the first pull past the TTL asked the stopped upstream");
      assertSameImage(image, pullThrough("team/app:v1", "pull-2b"));
      assertEquals(warned + 1, servingCachedWarnings(), "the failing upstream is logged once");
      // pull-2b came within the upstream's 10 s rest: served from the cache without asking it
      assertEquals(asked, upstreamAttempts(), "a resting upstream is not asked again");
      // by digest too, with the tag's TTL long over
      Path byDigest = work.resolve("pull-3");
      ok(skopeo("copy", "--src-tls-verify=false", "docker://" + berth.hostPort() + "/up/team/app@" + image.manifest().digest(),
          "oci:" + byDigest + ":pulled"));
      assertSameImage(image, byDigest);
    } finally {
      upstream.start();
    }
  }

  /** Requests Berth could not get through to the upstream (its debug log: dev.berth.proxy at DEBUG). */
  static long upstreamAttempts() throws IOException {
    return berth.log().lines().filter(l -> l.contains("upstream up: ") && l.contains("Exception")).count();
  }

  static long servingCachedWarnings() throws IOException {
    return berth.log().lines().filter(l -> l.contains("upstream up is unreachable") && l.contains("serving cached copies")).count();
  }

  @Test
  void layersStoredForAnotherRepository_linkedAfterAnUpstreamHead_notFetchedAgain() throws Exception {
    OciLayout.Image image = pushUpstream("shared/one", "v1", "shared");
    assertSameImage(image, pullThrough("shared/one:v1", "pull-1"));
    ok(skopeo("copy", "--src-tls-verify=false", "--dest-tls-verify=false", "--src-creds", upstream.creds(), "--dest-creds",
        upstream.creds(), "docker://" + upstream.hostPort() + "/shared/one:v1", "docker://" + upstream.hostPort() + "/shared/two:v1"));
    assertSameImage(image, pullThrough("shared/two:v1", "pull-2"));
    for (OciLayout.Blob b : image.blobs()) {
      assertEquals(0, upstream.logged("GET", "/v2/shared/two/blobs/" + b.digest(), 200), "not fetched again: " + b.digest());
      assertTrue(upstream.awaitLogged("HEAD", "/v2/shared/two/blobs/" + b.digest(), 200, 1) >= 1, "checked upstream: " + b.digest());
    }
  }

  @Test
  void tagMovedUpstream_isSeenAfterTheTtl() throws Exception {
    OciLayout.Image first = pushUpstream("moving/app", "latest", "before");
    assertSameImage(first, pullThrough("moving/app:latest", "pull-1"));
    OciLayout.Image second = pushUpstream("moving/app", "latest", "after");
    String seen = first.manifest().digest();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!seen.equals(second.manifest().digest()) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      seen = new RegistryHttp(berth).head("/v2/up/moving/app/manifests/latest").header("Docker-Content-Digest");
    }
    assertEquals(second.manifest().digest(), seen, "the moved tag, once the TTL was over");
    assertSameImage(second, pullThrough("moving/app:latest", "pull-2"));
    assertTrue(upstream.awaitLogged("HEAD", "/v2/moving/app/manifests/latest", 200, 1) >= 1, "revalidated with a HEAD");
  }

  /** The issue's case: 16 clients, one uncached 256 MiB layer; each hashes its body as it streams (nothing kept). */
  @Test
  void sixteenConcurrentGetsOfAnUncachedBlob_oneUpstreamGet_sixteenCorrectBodies() throws Exception {
    GeneratedBlob blob = new GeneratedBlob(1201, 256L << 20);
    String digest = blob.digest();
    upstream.pushBlob("big/layer", blob);
    List<Process> curls = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      curls.add(new ProcessBuilder("bash", "-c", "set -o pipefail; curl -sS --fail \"$0\" | sha256sum",
          berth.url() + "/v2/up/big/layer/blobs/" + digest)
          .redirectErrorStream(true).redirectOutput(work.resolve("curl-" + i + ".log").toFile()).start());
    }
    for (int i = 0; i < 16; i++) {
      assertTrue(curls.get(i).waitFor(5, TimeUnit.MINUTES), "curl " + i + " finished");
      int n = i;
      assertEquals(0, curls.get(i).exitValue(), () -> "curl failed: " + read(work.resolve("curl-" + n + ".log")) + tail(berth));
    }
    for (int i = 0; i < 16; i++) {
      assertEquals(digest.substring("sha256:".length()) + "  -", read(work.resolve("curl-" + i + ".log")).strip(), "body " + i);
    }
    assertEquals(1, upstream.awaitLogged("GET", "/v2/big/layer/blobs/" + digest, 200, 1), "one upstream GET of the blob");
    long waited = berth.log().lines().filter(l -> l.contains(digest + " of up/big/layer: waiting for the fetch in progress")).count();
    System.out.println("[proxy] of 16 concurrent GETs, " + waited + " waited for the one in flight; the others found the blob stored");
    assertEquals(blob.size(), Files.size(stored(digest)));
  }

  @Test
  void corruptedUpstreamBlob_errorToTheClient_nothingStored() throws Exception {
    GeneratedBlob blob = new GeneratedBlob(1202, 3L << 20);
    String digest = blob.digest();
    upstream.pushBlob("bad/layer", blob);
    Path file = upstream.blobFile(digest);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x5a; // same size, other bytes
    Files.write(file, bytes);

    for (int attempt = 0; attempt < 2; attempt++) {
      Path body = work.resolve("body-" + attempt);
      Cmd.Result r = Cmd.of("curl", "-sS", "--fail", "-o", body.toString(), berth.url() + "/v2/up/bad/layer/blobs/" + digest).run();
      assertFalse(r.succeeded() && Files.exists(body) && Files.size(body) == blob.size(),
          "the client must not receive the whole corrupted blob: " + r.describe());
    }
    assertFalse(Files.exists(stored(digest)), "no bytes stored under the digest");
    assertFalse(Files.exists(berth.dataDir().resolve("repositories/up,bad,layer/_layers/sha256/" + digest.substring(7))),
        "no link in the repository");
    assertEquals(2, upstream.awaitLogged("GET", "/v2/bad/layer/blobs/" + digest, 200, 2), "each attempt fetched it again");

    // A blob that fits in one read is held back whole: the client gets an error answer instead.
    GeneratedBlob small = new GeneratedBlob(1203, 1000);
    upstream.pushBlob("bad/small", small);
    Path smallFile = upstream.blobFile(small.digest());
    byte[] smallBytes = Files.readAllBytes(smallFile);
    smallBytes[0] ^= 0x01;
    Files.write(smallFile, smallBytes);
    RegistryHttp.Answer a = new RegistryHttp(berth).get("/v2/up/bad/small/blobs/" + small.digest());
    assertEquals(503, a.status(), a.text());
    assertTrue(a.text().contains("\"code\":\"UNAVAILABLE\"") && a.text().contains("don't match"), a.text());
    assertFalse(Files.exists(stored(small.digest())));
  }

  @Test
  void writesToTheProxiedPrefix_405Unsupported() throws Exception {
    OciLayout layout = OciLayout.create(work.resolve("src"));
    OciLayout.Image image = layout.image("amd64", files("x.txt", "x\n"));
    layout.tag("v1", image.manifest());
    Cmd.Result push = skopeo("copy", "--dest-tls-verify=false", "oci:" + layout.dir() + ":v1", "docker://" + berth.hostPort() + "/up/pushed:v1");
    assertFalse(push.succeeded(), push.describe());
    Cmd.Result post = Cmd.of("curl", "-sS", "-X", "POST", "-w", "\n%{http_code}", berth.url() + "/v2/up/pushed/blobs/uploads/").ok();
    assertTrue(post.stdout().endsWith("\n405"), post.stdout());
    assertTrue(post.stdout().contains("\"code\":\"UNSUPPORTED\""), post.stdout());
    Cmd.Result put = Cmd.of("curl", "-sS", "-X", "PUT", "-H", "Content-Type: " + OciLayout.OCI_MANIFEST, "--data-binary", "{}",
        "-w", "\n%{http_code}", berth.url() + "/v2/up/pushed/manifests/v1").ok();
    assertTrue(put.stdout().endsWith("\n405") && put.stdout().contains("UNSUPPORTED"), put.stdout());
    Cmd.Result delete = Cmd.of("curl", "-sS", "-X", "DELETE", "-w", "\n%{http_code}",
        berth.url() + "/v2/up/pushed/manifests/" + image.manifest().digest()).ok();
    assertTrue(delete.stdout().endsWith("\n405") && delete.stdout().contains("UNSUPPORTED"), delete.stdout());
    assertFalse(Files.exists(berth.dataDir().resolve("repositories/up,pushed")));
  }

  @Test
  void badUpstreamUrl_stopsTheStartNamingTheProperty() throws Exception {
    RegistryProcess.Exit exit = RegistryProcess.runToExit(RegistryProcess.options()
        .env("BERTH_PROXY_UPSTREAMS_HUB_URL", "ftp://registry.example")
        .env("BERTH_PROXY_UPSTREAMS_HUB_USERNAME", "someone"), Duration.ofSeconds(60));
    assertEquals(1, exit.code(), exit.log());
    assertTrue(exit.log().contains("berth.proxy.upstreams.hub.url=ftp://registry.example (BERTH_PROXY_UPSTREAMS_HUB_URL): not an http(s) URL"),
        exit.log());
    assertTrue(exit.log().contains("berth.proxy.upstreams.hub.password is missing"), exit.log());
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
