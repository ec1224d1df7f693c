package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A 2 GiB blob pushed (in 512 MiB chunks, and in one PUT) and pulled back through the HTTP API of a
 * registry whose heap is 64 MiB: layers stream between the client and storage and are never held
 * in memory. Neither is the test's data, which is generated as it is sent.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 30, unit = java.util.concurrent.TimeUnit.MINUTES)
class LargeBlobIT {
  static final long SIZE = 2L << 30;
  static final long CHUNK = 512L << 20;
  static final double MB = 1_000_000.0;

  static Path data;
  static RegistryProcess registry;
  static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    data = Files.createTempDirectory("berth-large-blob");
    registry = RegistryProcess.start(RegistryProcess.options().jvmArgs("-Xmx64m").dataDir(data));
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (registry != null) {
        assertRegistryHealthy();
        registry.close();
      }
    } finally {
      deleteTree(data);
    }
  }

  @Test
  @Order(1)
  void chunkedPushOf2GiBThenPull() throws Exception {
    GeneratedBlob blob = new GeneratedBlob(1, SIZE);
    String repo = "large/chunked";
    URI location = startUpload(repo);
    MessageDigest md = GeneratedBlob.sha256();
    long t0 = System.nanoTime();
    for (long offset = 0; offset < SIZE; offset += CHUNK) {
      long n = Math.min(CHUNK, SIZE - offset);
      long first = offset;
      HttpRequest patch = HttpRequest.newBuilder(location)
          .timeout(Duration.ofMinutes(10))
          .header("Content-Type", "application/octet-stream")
          .header("Content-Range", offset + "-" + (offset + n - 1))
          .method("PATCH", BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> new DigestInputStream(blob.open(first, n), md)), n))
          .build();
      HttpResponse<String> res = http.send(patch, BodyHandlers.ofString());
      assertEquals(202, res.statusCode(), res.body());
      assertEquals("0-" + (offset + n - 1), res.headers().firstValue("Range").orElse(null));
      location = resolve(res.headers().firstValue("Location").orElseThrow());
    }
    String digest = GeneratedBlob.digest(md);
    HttpResponse<String> put = http.send(HttpRequest.newBuilder(withDigest(location, digest))
        .timeout(Duration.ofMinutes(10)).PUT(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
    assertEquals(201, put.statusCode(), put.body());
    assertEquals(digest, put.headers().firstValue("Docker-Content-Digest").orElse(null));
    double pushSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("LargeBlobIT: chunked push of 2 GiB (4 x 512 MiB PATCH) in %.1f s: %.0f MB/s%n", pushSeconds, SIZE / MB / pushSeconds);

    pull(repo, digest, "chunked");
    rangedGets(repo, digest, blob);
    assertRegistryHealthy();
  }

  @Test
  @Order(2)
  void monolithicPushOf2GiBThenPull() throws Exception {
    GeneratedBlob blob = new GeneratedBlob(2, SIZE);
    String repo = "large/monolithic";
    // The PUT names the digest before its body, so it is computed first (from the generator),
    // and again while sending.
    String expected = blob.digest();
    URI location = startUpload(repo);
    MessageDigest md = GeneratedBlob.sha256();
    long t0 = System.nanoTime();
    HttpResponse<String> put = http.send(HttpRequest.newBuilder(withDigest(location, expected))
        .timeout(Duration.ofMinutes(20))
        .header("Content-Type", "application/octet-stream")
        .PUT(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> new DigestInputStream(blob.open(), md)), SIZE))
        .build(), BodyHandlers.ofString());
    double pushSeconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(201, put.statusCode(), put.body());
    assertEquals(expected, GeneratedBlob.digest(md), "sent what was digested");
    System.out.printf("LargeBlobIT: monolithic push of 2 GiB (POST + one PUT) in %.1f s: %.0f MB/s%n", pushSeconds, SIZE / MB / pushSeconds);

    pull(repo, expected, "monolithic");
    assertRegistryHealthy();
  }

  private URI startUpload(String repo) throws Exception {
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/v2/" + repo + "/blobs/uploads/"))
        .POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
    assertEquals(202, post.statusCode(), post.body());
    return resolve(post.headers().firstValue("Location").orElseThrow());
  }

  private void pull(String repo, String digest, String what) throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<InputStream> get = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/v2/" + repo + "/blobs/" + digest))
        .timeout(Duration.ofMinutes(20)).GET().build(), BodyHandlers.ofInputStream());
    assertEquals(200, get.statusCode());
    assertEquals(Long.toString(SIZE), get.headers().firstValue("Content-Length").orElse(null));
    assertEquals(digest, get.headers().firstValue("Docker-Content-Digest").orElse(null));
    Object[] got;
    try (InputStream in = get.body()) {
      got = GeneratedBlob.digestOf(in);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(SIZE, got[1], "pulled length");
    assertEquals(digest, got[0], "pulled digest");
    System.out.printf("LargeBlobIT: pull of the %s 2 GiB blob in %.1f s: %.0f MB/s%n", what, seconds, SIZE / MB / seconds);
  }

  private void rangedGets(String repo, String digest, GeneratedBlob blob) throws Exception {
    long[][] ranges = {{SIZE - 1000, SIZE - 1}, {CHUNK - 500, CHUNK + 499}, {SIZE - 1, SIZE - 1}, {3 * CHUNK + 12345, 3 * CHUNK + 12345 + (1 << 20)}};
    for (long[] r : ranges) {
      HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/v2/" + repo + "/blobs/" + digest))
          .header("Range", "bytes=" + r[0] + "-" + r[1]).GET().build(), BodyHandlers.ofByteArray());
      assertEquals(206, res.statusCode());
      assertEquals("bytes " + r[0] + "-" + r[1] + "/" + SIZE, res.headers().firstValue("Content-Range").orElse(null));
      try (InputStream expected = blob.open(r[0], r[1] - r[0] + 1)) {
        assertArrayEquals(expected.readAllBytes(), res.body(), "range " + r[0] + "-" + r[1]);
      }
    }
    // A suffix range: the last 4 KiB.
    HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/v2/" + repo + "/blobs/" + digest))
        .header("Range", "bytes=-4096").GET().build(), BodyHandlers.ofByteArray());
    assertEquals(206, res.statusCode());
    try (InputStream expected = blob.open(SIZE - 4096, 4096)) {
      assertArrayEquals(expected.readAllBytes(), res.body());
    }
  }

  private static void assertRegistryHealthy() throws IOException {
    assertTrue(registry.process().isAlive(), "the registry died:\n" + tail(registry.log()));
    assertFalse(registry.log().contains("OutOfMemoryError"), "the registry ran out of memory:\n" + tail(registry.log()));
  }

  private static String tail(String log) {
    return log.length() > 5000 ? log.substring(log.length() - 5000) : log;
  }

  private static URI resolve(String location) {
    return URI.create(registry.url()).resolve(location);
  }

  private static URI withDigest(URI location, String digest) {
    String s = location.toString();
    return URI.create(s + (s.contains("?") ? "&" : "?") + "digest=" + digest);
  }

  static void deleteTree(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
