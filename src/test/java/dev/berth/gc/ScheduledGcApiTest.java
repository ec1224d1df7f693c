package dev.berth.gc;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.RegistryClient;
import dev.berth.registry.StorageLayout;
import dev.berth.storage.Precondition;
import dev.berth.storage.StorageDriver;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code berth.gc.interval}: the server collects by itself, an orphan blob goes after the grace,
 * the runs show in {@code /q/metrics}, and a lease another replica holds makes it skip its rounds.
 */
@QuarkusTest
@TestProfile(ScheduledGcApiTest.Profile.class)
class ScheduledGcApiTest {
  @Inject
  StorageDriver storage;
  @TestHTTPResource("/")
  URL base;

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> m = new HashMap<>(new GcProfiles.Filesystem().getConfigOverrides());
      m.put("berth.gc.interval", "PT1S");
      m.put("berth.gc.first-run", "PT1S");
      return m;
    }
  }

  private static double metric(String series) {
    String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private int head(String repo, String digest) throws Exception {
    return new Pusher(base.toString().replaceAll("/$", "")).http.send("HEAD", "/v2/" + repo + "/blobs/" + digest, null).statusCode();
  }

  private static boolean within(long millis, BooleanSupplier done) throws InterruptedException {
    long end = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < end) {
      if (done.getAsBoolean()) {
        return true;
      }
      Thread.sleep(200);
    }
    return done.getAsBoolean();
  }

  @Test
  void orphanCollectedOnSchedule_foreignLeaseSkipsRounds() throws Exception {
    Pusher p = new Pusher(base.toString().replaceAll("/$", ""));
    byte[] orphan = GcApiTest.random(4096);
    String digest = RegistryClient.sha256(orphan);
    p.http.pushBlob("sched/a", orphan);
    assertEquals(200, head("sched/a", digest));
    double freedBefore = metric("berth_gc_freed_bytes_total");
    assertTrue(within(20_000, () -> storage.stat(StorageLayout.blobData(dev.berth.registry.Digest.parse(digest))).isEmpty()),
        "the scheduled GC removed the orphan after the grace");
    assertEquals(404, head("sched/a", digest));
    assertTrue(within(5_000, () -> metric("berth_gc_freed_bytes_total") - freedBefore >= 4096), "counted in berth_gc_freed_bytes_total");
    assertTrue(metric("berth_gc_runs_seconds_count{outcome=\"ok\"}") >= 1);
    assertTrue(metric("berth_gc_last_success_seconds") > Instant.now().getEpochSecond() - 60);

    // Another replica holds the lease: this one skips its rounds, the next orphan stays.
    storage.putSmall(StorageLayout.GC_LEASE, ("other-replica\n" + Instant.now().plusSeconds(3600) + "\n").getBytes(), Precondition.NONE);
    byte[] second = GcApiTest.random(2048);
    String d2 = RegistryClient.sha256(second);
    p.http.pushBlob("sched/b", second);
    double skipped = metric("berth_gc_runs_seconds_count{outcome=\"skipped\"}");
    Thread.sleep(GcProfiles.GRACE_MS + 3000);
    assertTrue(metric("berth_gc_runs_seconds_count{outcome=\"skipped\"}") >= skipped + 2, "rounds skipped while the lease is held elsewhere");
    assertEquals(200, head("sched/b", d2), "nothing collected without the lease");
    storage.delete(StorageLayout.GC_LEASE, Precondition.NONE);
    assertTrue(within(10_000, () -> {
      try {
        return head("sched/b", d2) == 404;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }), "collected once the lease is free");
  }
}
