package dev.berth.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The protocol under load: GC runs in a loop while 100 pushes go on from 6 threads (shared layers
 * that are unreferenced and older than the grace, distinct layers, cross-repository mounts,
 * deletes of earlier images). A refused push (MANIFEST_BLOB_UNKNOWN) is retried as a client would;
 * afterwards, past the grace and one more GC, every acknowledged image that was not deleted must
 * pull back byte-identical.
 */
abstract class GcUnderLoadTest {
  private static final int PUSHES = 100;
  private static final int THREADS = 6;
  @Inject
  GarbageCollector gc;
  @TestHTTPResource("/")
  URL base;

  @Test
  void gcInALoop_100ConcurrentPushes_noAcknowledgedImageLost() throws Exception {
    Pusher p = new Pusher(base.toString().replaceAll("/$", ""));
    String run = "load" + ThreadLocalRandom.current().nextInt(1_000_000);
    String seed = run + "/seed";
    List<byte[]> pool = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 6; i++) {
      byte[] l = GcApiTest.random(1024 + i);
      p.http.pushBlob(seed, l);
      pool.add(l);
    }
    Thread.sleep(GcProfiles.GRACE_MS + 200); // the seed layers are now GC candidates

    List<Pusher.Image> acked = new CopyOnWriteArrayList<>();
    var deleted = ConcurrentHashMap.<String>newKeySet();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicBoolean pushing = new AtomicBoolean(true);
    AtomicInteger cycles = new AtomicInteger();
    AtomicLong freedBlobs = new AtomicLong();
    AtomicLong spared = new AtomicLong();
    long t0 = System.nanoTime();
    ExecutorService pool2 = Executors.newFixedThreadPool(THREADS + 1);
    Future<?> collector = pool2.submit(() -> {
      while (pushing.get()) {
        GcReport r = gc.run(false);
        cycles.incrementAndGet();
        freedBlobs.addAndGet(r.blobsFreed());
        spared.addAndGet(r.spared());
      }
      return null;
    });
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      workers.add(pool2.submit(() -> {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = next.getAndIncrement(); i < PUSHES; i = next.getAndIncrement()) {
          String repo = run + "/r" + (i % 10);
          List<byte[]> layers = new ArrayList<>(List.of(pool.get(rnd.nextInt(pool.size()))));
          if (rnd.nextBoolean()) {
            layers.add(pool.get(rnd.nextInt(pool.size())));
          }
          layers.add(GcApiTest.random(512 + rnd.nextInt(3000)));
          layers = new ArrayList<>(new java.util.LinkedHashSet<>(layers));
          String from = rnd.nextBoolean() ? seed : run + "/r" + rnd.nextInt(10);
          byte[] config = ("{\"push\":" + i + "}").getBytes();
          for (int attempt = 0; ; attempt++) {
            try {
              acked.add(p.push(repo, "t" + i, config, layers, from));
              break;
            } catch (Pusher.Refused | IllegalStateException e) {
              refused.incrementAndGet();
              if (attempt == 10) {
                throw e;
              }
            }
          }
          if (rnd.nextInt(5) == 0 && acked.size() > 3) {
            Pusher.Image victim = acked.get(rnd.nextInt(acked.size()));
            if (deleted.add(victim.digest())) {
              assertEquals(202, p.deleteManifest(victim.repo(), victim.digest()));
            }
          }
          if (rnd.nextInt(8) == 0) {
            byte[] l = GcApiTest.random(900 + rnd.nextInt(100));
            p.http.pushBlob(seed, l); // a new shared layer, unreferenced until an image uses it
            pool.add(l);
          }
          Thread.sleep(rnd.nextInt(1200));
        }
        return null;
      }));
    }
    for (Future<?> w : workers) {
      w.get(120, TimeUnit.SECONDS);
    }
    pushing.set(false);
    collector.get(60, TimeUnit.SECONDS);
    pool2.shutdown();
    double loadSeconds = (System.nanoTime() - t0) / 1e9;

    Thread.sleep(GcProfiles.GRACE_MS + 200);
    GcReport last = gc.run(false); // everything unreferenced is past the grace now
    List<String> lost = Collections.synchronizedList(new ArrayList<>());
    int verified = 0;
    for (Pusher.Image i : acked) {
      if (deleted.contains(i.digest())) {
        continue;
      }
      String why = p.verify(i);
      if (why != null) {
        lost.add(why);
      }
      verified++;
    }
    System.out.printf("GC under load (%s): %d pushes acknowledged, %d refused and retried, %d deleted, %d GC cycles"
        + " in %.1f s (%d blobs freed, %d spared), final GC freed %d; %d images verified, %d lost%n",
        getClass().getSimpleName(), acked.size(), refused.get(), deleted.size(), cycles.get(), loadSeconds,
        freedBlobs.get(), spared.get(), last.blobsFreed(), verified, lost.size());
    assertEquals(List.of(), lost);
    assertEquals(PUSHES, acked.size());
    assertTrue(cycles.get() > 1, "GC ran during the pushes");
    assertTrue(freedBlobs.get() + last.blobsFreed() > 0, "GC freed something");
  }
}
