package dev.berth.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.config.BerthConfig;
import dev.berth.it.RegistryClient;
import dev.berth.registry.Digest;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.StorageLayout;
import dev.berth.registry.Tag;
import dev.berth.storage.StorageDriver;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Retention rules on the filesystem driver ({@link RetentionProfile}), observed over HTTP and on
 * storage: each case runs a dry run (nothing changes) and then a GC run. Ages are set as file times.
 */
@QuarkusTest
@TestProfile(RetentionProfile.class)
class RetentionApiTest {
  @Inject
  GarbageCollector gc;
  @Inject
  StorageDriver storage;
  @Inject
  BerthConfig config;
  @TestHTTPResource("/")
  URL base;

  private Pusher pusher() {
    return new Pusher(base.toString().replaceAll("/$", ""));
  }

  /** Pushes one small image per tag, the first the oldest (set an hour apart). */
  private void pushTags(Pusher p, String repo, String... tags) throws Exception {
    for (int i = 0; i < tags.length; i++) {
      p.push(repo, tags[i], GcApiTest.random(50), List.of(GcApiTest.random(100)), null);
      age(StorageLayout.tag(new RepositoryName(repo), new Tag(tags[i])), Duration.ofHours(tags.length - i));
    }
  }

  private void age(String key, Duration age) throws Exception {
    Path file = Path.of(config.storage().filesystem().root()).resolve(key);
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
  }

  private Set<String> tags(String repo) {
    return new TreeSet<>(dev.berth.registry.Listings.all(storage, StorageLayout.tags(new RepositoryName(repo))));
  }

  /** A dry run lists the removals and writes nothing; the run then removes them. */
  private GcReport dryThenRun(String repo, String... removedTags) {
    Set<String> before = tags(repo);
    GcReport dry = gc.run(true);
    for (String t : removedTags) {
      assertTrue(dry.gone().stream().anyMatch(g -> g.startsWith("tag " + repo + ":" + t + " ")), t + " not in " + dry.gone());
    }
    assertEquals(before, tags(repo), "a dry run deletes nothing");
    GcReport r = gc.run(false);
    assertTrue(r.tagsRetired() >= removedTags.length, r.summary());
    return r;
  }

  @Test
  void keepNewest_keepsTheTwoNewestOfFive() throws Exception {
    Pusher p = pusher();
    pushTags(p, "ret/newest", "t1", "t2", "t3", "t4", "t5");
    Set<String> before = tags("ret/newest");
    GcReport dry = gc.run(true);
    assertEquals(3, dry.gone().stream().filter(g -> g.startsWith("tag ret/newest:")).count(), dry.gone().toString());
    assertEquals(before, tags("ret/newest"), "a dry run deletes nothing");
    gc.run(false);
    assertEquals(Set.of("t4", "t5"), tags("ret/newest"));
    assertEquals(404, p.http.send("GET", "/v2/ret/newest/manifests/t1", null, "Accept", Pusher.IMAGE).statusCode());
    assertEquals(200, p.http.send("GET", "/v2/ret/newest/manifests/t5", null, "Accept", Pusher.IMAGE).statusCode());
  }

  @Test
  void keepTags_regexKeepsMatchingTagsBeyondTheNewest() throws Exception {
    pushTags(pusher(), "ret/regex", "v1", "build-1", "stable", "v2x", "build-2");
    dryThenRun("ret/regex", "build-1", "v2x");
    assertEquals(Set.of("v1", "stable", "build-2"), tags("ret/regex"), "v2x doesn't match the whole regex");
  }

  @Test
  void oldTags_dropped_immutableKept_untaggedOldManifestAndBlobsFreed() throws Exception {
    Pusher p = pusher();
    String repo = "ret/old/a";
    RepositoryName name = new RepositoryName(repo);
    p.push(repo, "fresh", GcApiTest.random(50), List.of(GcApiTest.random(100)), null);
    p.push(repo, "rel-1", GcApiTest.random(50), List.of(GcApiTest.random(100)), null);
    byte[] layer = GcApiTest.random(700);
    Pusher.Image stale = p.push(repo, "stale", GcApiTest.random(50), List.of(layer), null);
    age(StorageLayout.tag(name, new Tag("stale")), Duration.ofDays(31));
    age(StorageLayout.tag(name, new Tag("rel-1")), Duration.ofDays(31));
    Digest staleDigest = Digest.parse(stale.digest());
    age(StorageLayout.manifestLink(name, staleDigest), Duration.ofDays(8));
    // A signature of the stale image: a referrer, untagged, reached only through its subject.
    String sig = "{\"schemaVersion\":2,\"mediaType\":\"" + Pusher.IMAGE + "\",\"artifactType\":\"application/x-sig\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
        + RegistryClient.sha256("{}".getBytes(StandardCharsets.UTF_8)) + "\",\"size\":2},\"layers\":[],"
        + "\"subject\":{\"mediaType\":\"" + Pusher.IMAGE + "\",\"digest\":\"" + stale.digest() + "\",\"size\":"
        + stale.manifest().length + "}}";
    p.http.pushBlob(repo, "{}".getBytes(StandardCharsets.UTF_8));
    byte[] sigBytes = sig.getBytes(StandardCharsets.UTF_8);
    Digest sigDigest = Digest.parse(RegistryClient.sha256(sigBytes));
    assertEquals(201, p.http.send("PUT", "/v2/" + repo + "/manifests/" + sigDigest, sigBytes, "Content-Type", Pusher.IMAGE).statusCode());
    age(StorageLayout.manifestLink(name, sigDigest), Duration.ofDays(8));
    Thread.sleep(GcProfiles.GRACE_MS + 500); // the blobs' pins are older than the grace

    Set<String> before = tags(repo);
    GcReport dry = gc.run(true);
    for (String g : List.of("tag " + repo + ":stale " + stale.digest(), "manifest " + repo + " " + stale.digest(),
        "manifest " + repo + " " + sigDigest, "blob " + RegistryClient.sha256(layer) + " 700")) {
      assertTrue(dry.gone().contains(g), g + " not in " + dry.gone());
    }
    assertEquals(before, tags(repo), "a dry run deletes nothing");
    assertTrue(storage.stat(StorageLayout.manifestLink(name, staleDigest)).isPresent());

    GcReport r = gc.run(false);
    assertEquals(Set.of("fresh", "rel-1"), tags(repo), "rel-1 is immutable: kept though old");
    assertTrue(r.tagsRetired() >= 1 && r.manifestsRetired() >= 2, r.summary());
    assertEquals(404, p.http.send("GET", "/v2/" + repo + "/manifests/" + stale.digest(), null, "Accept", Pusher.IMAGE).statusCode());
    assertTrue(storage.stat(StorageLayout.referrer(name, staleDigest, sigDigest)).isEmpty(), "referrer entry removed");
    assertFalse(storage.stat(StorageLayout.blobData(Digest.parse(RegistryClient.sha256(layer)))).isPresent(), "its blob freed");
    assertEquals(404, p.http.send("GET", "/v2/" + repo + "/blobs/" + RegistryClient.sha256(layer), null).statusCode());
    assertEquals(200, p.http.send("GET", "/v2/" + repo + "/manifests/rel-1", null, "Accept", Pusher.IMAGE).statusCode());
  }
}
