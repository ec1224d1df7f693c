package dev.berth.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.BlobMarkers;
import dev.berth.registry.Digest;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.StorageLayout;
import dev.berth.storage.Precondition;
import dev.berth.storage.StorageDriver;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Mark and sweep on real storage (subclasses choose the driver): what is unreferenced and older
 * than the grace goes, what a live manifest names stays and pulls back byte-identical, and the
 * marker protocol refuses a manifest on a condemned blob and makes an upload wait for its removal.
 */
abstract class GcApiTest {
  private static final Random RANDOM = new Random();
  @Inject
  GarbageCollector gc;
  @Inject
  StorageDriver storage;
  @Inject
  BlobMarkers markers;
  @Inject
  dev.berth.config.BerthConfig config;
  @TestHTTPResource("/")
  URL base;

  static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private boolean stored(byte[] blob) {
    return storage.stat(StorageLayout.blobData(Digest.parse(dev.berth.it.RegistryClient.sha256(blob)))).isPresent();
  }

  @Test
  void unreferenced_goes_afterGrace_live_stays() throws Exception {
    Pusher p = new Pusher(base.toString().replaceAll("/$", ""));
    String repo = "gc/a" + RANDOM.nextInt(1_000_000);
    byte[] shared = random(3000);
    byte[] onlyB = random(2000);
    byte[] orphan = random(1000);
    Pusher.Image a = p.push(repo, "a", random(100), List.of(shared, random(500)), null);
    Pusher.Image b = p.push(repo, "b", random(100), List.of(shared, onlyB), null);
    p.http.pushBlob(repo, orphan);
    assertEquals(202, p.deleteManifest(repo, b.digest()));

    GcReport fresh = gc.run(false);
    assertTrue(stored(onlyB) && stored(orphan), "younger than the grace: kept");
    assertTrue(fresh.spared() >= 2, fresh.summary());

    Thread.sleep(GcProfiles.GRACE_MS + 500);
    GcReport dry = gc.run(true);
    assertTrue(dry.gone().contains("blob " + dev.berth.it.RegistryClient.sha256(onlyB) + " 2000"), dry.gone().toString());
    assertTrue(stored(onlyB) && stored(orphan), "a dry run removes nothing");

    GcReport r = gc.run(false);
    assertFalse(stored(onlyB), r.summary());
    assertFalse(stored(orphan));
    assertTrue(stored(shared));
    assertTrue(r.bytesFreed() >= 3000 + b.manifest().length, r.summary());
    assertTrue(r.linksFreed() >= 2, r.summary());
    RepositoryName name = new RepositoryName(repo);
    assertTrue(storage.stat(StorageLayout.layerLink(name, Digest.parse(dev.berth.it.RegistryClient.sha256(orphan)))).isEmpty());
    assertNull(p.verify(a));
    assertEquals(404, p.http.send("GET", "/v2/" + repo + "/manifests/" + b.digest(), null).statusCode());
  }

  @Test
  void condemnedBlob_refusesManifest_uploadWaitsForRemoval() throws Exception {
    Pusher p = new Pusher(base.toString().replaceAll("/$", ""));
    String repo = "gc/c" + RANDOM.nextInt(1_000_000);
    byte[] layer = random(1500);
    Digest d = Digest.parse(p.http.pushBlob(repo, layer));
    Thread.sleep(GcProfiles.GRACE_MS + 100);
    assertTrue(markers.condemn(d, markers.read(d)), "GC's condemnation holds: nothing pinned it since");
    try {
      p.push(repo, "x", random(50), List.of(layer), null);
      throw new AssertionError("a manifest on a condemned blob was accepted");
    } catch (Pusher.Refused e) {
      assertTrue(e.getMessage().contains("MANIFEST_BLOB_UNKNOWN"), e.getMessage());
    }
    // An upload of the same bytes completes once GC has deleted data and marker.
    CompletableFuture<Void> sweep = CompletableFuture.runAsync(() -> {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      storage.delete(StorageLayout.blobData(d), Precondition.NONE);
      markers.remove(d);
    });
    long t0 = System.nanoTime();
    p.http.pushBlob(repo, layer);
    sweep.get();
    assertTrue(System.nanoTime() - t0 > 400_000_000L, "the upload waited for the sweep");
    assertTrue(stored(layer), "stored afresh");
    assertNull(p.verify(p.push(repo, "y", random(50), List.of(layer), null)));
  }

  @Test
  void pinnedAfterGcRead_conditionalCondemnationFails() throws Exception {
    Pusher p = new Pusher(base.toString().replaceAll("/$", ""));
    String repo = "gc/p" + RANDOM.nextInt(1_000_000);
    byte[] layer = random(700);
    Digest d = Digest.parse(p.http.pushBlob(repo, layer));
    Thread.sleep(GcProfiles.GRACE_MS + 100);
    var seen = markers.read(d);
    assertTrue(markers.pin(d).isPresent(), "a push pins the blob after GC read the marker");
    assertFalse(markers.condemn(d, seen), "so GC's If-Match condemnation fails");
    assertTrue(stored(layer));
  }

  @Test
  void lease_oneHolderAtATime_expiredTakenOver_lostStopsTheRun() throws Exception {
    storage.delete(StorageLayout.GC_LEASE, Precondition.NONE);
    // Eight processes (each GcLease has its own holder name) race for a free lease: one wins.
    List<GcLease> replicas = java.util.stream.IntStream.range(0, 8).mapToObj(i -> new GcLease(storage, config)).toList();
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(replicas.size());
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(replicas.size());
    List<CompletableFuture<GcLease.Held>> tries = replicas.stream().map(l -> CompletableFuture.supplyAsync(() -> {
      try {
        start.await();
        return l.acquire();
      } catch (GcLease.Busy e) {
        return null;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, threads)).toList();
    List<GcLease.Held> won = tries.stream().map(CompletableFuture::join).filter(java.util.Objects::nonNull).toList();
    threads.shutdown();
    assertEquals(1, won.size(), "exactly one of eight racing replicas holds the lease");
    GcLease.Held held = won.get(0);
    Thread.sleep(GcProfiles.LEASE_S * 1000L + 500);
    assertTrue(held.valid(), "renewed in the background past its first term");
    assertThrows(GcLease.Busy.class, () -> replicas.get(0).acquire(), "still held: busy");
    held.close();
    try (GcLease.Held next = replicas.get(1).acquire()) {
      assertTrue(next.valid(), "given back: the next one takes it");
    }
    // A holder that died: its lease expired, and is taken over.
    storage.putSmall(StorageLayout.GC_LEASE, ("dead-replica\n" + java.time.Instant.now().minusSeconds(1) + "\n").getBytes(), Precondition.NONE);
    GcLease.Held taken = replicas.get(2).acquire();
    // Someone took it over meanwhile (its renewal stalled past expiry): the renewal notices, the run stops.
    storage.putSmall(StorageLayout.GC_LEASE, ("usurper\n" + java.time.Instant.now().plusSeconds(60) + "\n").getBytes(), Precondition.NONE);
    Thread.sleep(GcProfiles.LEASE_S * 1000L / 3 + 700);
    assertFalse(taken.valid(), "a lost lease is noticed at the next renewal");
    assertThrows(GcLease.Lost.class, () -> gc.run(false, taken::valid).summary());
    taken.close();
    assertTrue(new String(storage.getSmall(StorageLayout.GC_LEASE).orElseThrow().data()).startsWith("usurper"), "a lost lease is not deleted");
    storage.delete(StorageLayout.GC_LEASE, Precondition.NONE);
  }
}
