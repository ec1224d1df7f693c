package dev.berth.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.RegistryClient;
import dev.berth.it.RegistryProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code berth gc} as an operator runs it: the packaged binary as a one-shot command over the
 * storage of a registry that keeps running. Pushes three images, deletes one manifest and one tag,
 * then a dry run lists what would go and frees nothing (as does a run with berth.read-only), the real run frees the deleted image's
 * own layer, and the remaining images (the untagged one by digest) pull back byte-identical. A
 * retention rule set through the environment drops the tags beyond the newest.
 */
class GcIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static long bytesUnder(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @Test
  void gcCommand_freesDeletedImage_keepsTheRest() throws Exception {
    RegistryProcess.Options o = RegistryProcess.options().env("BERTH_GC_GRACE", "PT2S");
    try (RegistryProcess reg = RegistryProcess.start(o)) {
      Pusher p = new Pusher(reg.url());
      byte[] base = GcApiTest.random(200_000);
      byte[] onlyB = GcApiTest.random(300_000);
      Pusher.Image a = p.push("it/app", "a", GcApiTest.random(100), List.of(base, GcApiTest.random(50_000)), null);
      Pusher.Image b = p.push("it/app", "b", GcApiTest.random(100), List.of(base, onlyB), null);
      Pusher.Image c = p.push("it/other", "c", GcApiTest.random(100), List.of(base), "it/app");
      assertEquals(202, p.deleteManifest("it/app", b.digest()));
      assertEquals(202, p.http.send("DELETE", "/v2/it/other/manifests/c", null).statusCode());
      Thread.sleep(2500);
      Path blobs = reg.dataDir().resolve("blobs");
      long before = bytesUnder(blobs);

      RegistryProcess.Exit dry = RegistryProcess.runToExit(RegistryProcess.options().dataDir(reg.dataDir())
          .env("BERTH_GC_GRACE", "PT2S").args("gc", "--dry-run"), TIMEOUT);
      assertEquals(0, dry.code(), dry.log());
      assertTrue(dry.log().contains("would remove blob " + RegistryClient.sha256(onlyB) + " 300000"), dry.log());
      assertEquals(before, bytesUnder(blobs), "a dry run frees nothing");

      RegistryProcess.Exit readOnly = RegistryProcess.runToExit(RegistryProcess.options().dataDir(reg.dataDir())
          .env("BERTH_GC_GRACE", "PT2S").env("BERTH_READ_ONLY", "true").args("gc"), TIMEOUT);
      assertEquals(0, readOnly.code(), readOnly.log());
      assertTrue(readOnly.log().contains("berth.read-only is set") && readOnly.log().contains("dry run:"), readOnly.log());
      assertEquals(before, bytesUnder(blobs), "berth.read-only: gc writes nothing");

      // A scheduled run elsewhere holds the lease: the job does nothing and says so (exit 3).
      Path lease = reg.dataDir().resolve("_gc/lease");
      Files.createDirectories(lease.getParent());
      Files.writeString(lease, "replica-7\n" + java.time.Instant.now().plusSeconds(600) + "\n");
      RegistryProcess.Exit busy = RegistryProcess.runToExit(RegistryProcess.options().dataDir(reg.dataDir())
          .env("BERTH_GC_GRACE", "PT2S").args("gc"), TIMEOUT);
      assertEquals(3, busy.code(), busy.log());
      assertTrue(busy.log().contains("another GC run (replica-7) holds the lease"), busy.log());
      assertEquals(before, bytesUnder(blobs), "a job without the lease frees nothing");
      Files.delete(lease);

      RegistryProcess.Exit run = RegistryProcess.runToExit(RegistryProcess.options().dataDir(reg.dataDir())
          .env("BERTH_GC_GRACE", "PT2S").args("gc"), TIMEOUT);
      assertEquals(0, run.code(), run.log());
      assertTrue(run.log().contains("freed 3 blobs"), run.log()); // b's own layer, config and manifest
      long after = bytesUnder(blobs);
      System.out.printf("berth gc: blobs %d -> %d bytes; %s%n", before, after, run.log().lines()
          .filter(l -> l.startsWith("gc:")).findFirst().orElse(""));
      assertTrue(before - after >= 300_000, before + " -> " + after);

      assertNull(p.verify(a));
      HttpResponse<byte[]> m = p.http.send("GET", "/v2/it/other/manifests/" + c.digest(), null, "Accept", Pusher.IMAGE);
      assertEquals(200, m.statusCode());
      assertTrue(java.util.Arrays.equals(c.manifest(), m.body()), "untagged manifests are kept");
      for (var blob : c.blobs().entrySet()) {
        assertTrue(java.util.Arrays.equals(blob.getValue(), p.http.getBlob("it/other", blob.getKey())));
      }
      assertEquals(404, p.http.send("GET", "/v2/it/app/manifests/" + b.digest(), null).statusCode());
    }
  }

  @Test
  void gcCommand_retentionKeepsTheNewestTag() throws Exception {
    try (RegistryProcess reg = RegistryProcess.start(RegistryProcess.options().env("BERTH_GC_GRACE", "PT2S"))) {
      Pusher p = new Pusher(reg.url());
      Path tags = reg.dataDir().resolve("repositories/it,ret/_tags");
      for (int i = 1; i <= 3; i++) {
        p.push("it/ret", "b" + i, GcApiTest.random(100), List.of(GcApiTest.random(1000)), null);
        Files.setLastModifiedTime(tags.resolve("b" + i), FileTime.from(Instant.now().minusSeconds(3600L * (4 - i))));
      }
      java.util.function.Function<String[], RegistryProcess.Options> gc = args -> RegistryProcess.options()
          .dataDir(reg.dataDir()).env("BERTH_GC_GRACE", "PT2S").env("BERTH_RETENTION_RULES_CI_REPOSITORIES", "it/**")
          .env("BERTH_RETENTION_RULES_CI_KEEP_NEWEST", "1").args(args);
      RegistryProcess.Exit dry = RegistryProcess.runToExit(gc.apply(new String[] {"gc", "--dry-run"}), TIMEOUT);
      assertEquals(0, dry.code(), dry.log());
      assertTrue(dry.log().contains("would remove tag it/ret:b1 ") && dry.log().contains("would remove tag it/ret:b2 "), dry.log());
      assertTrue(Files.exists(tags.resolve("b1")), "a dry run deletes nothing");
      RegistryProcess.Exit run = RegistryProcess.runToExit(gc.apply(new String[] {"gc"}), TIMEOUT);
      assertEquals(0, run.code(), run.log());
      assertTrue(run.log().contains("retention removed 2 tags"), run.log());
      HttpResponse<byte[]> list = p.http.send("GET", "/v2/it/ret/tags/list", null);
      String body = new String(list.body(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(body.contains("\"b3\"") && !body.contains("\"b1\"") && !body.contains("\"b2\""), body);
    }
  }
}
