package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An upload outlives the registry process: stopped (SIGTERM) or killed (SIGKILL) between chunks or
 * in the middle of a streaming PATCH, a new process over the same storage reports what was
 * received, takes the rest from there and finishes the blob with the right digest.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class UploadRestartIT {
  static final String REPO = "restart/app";

  Path data;
  RegistryProcess registry;
  final HttpClient http = client();

  static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  }

  @BeforeEach
  void start() throws Exception {
    data = Files.createTempDirectory("berth-restart");
    registry = RegistryProcess.start(RegistryProcess.options().dataDir(data));
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (registry != null) {
        registry.close();
      }
    } finally {
      LargeBlobIT.deleteTree(data);
    }
  }

  @Test
  void uploadContinuesAfterSigterm() throws Exception {
    continuesAfterRestart(false);
  }

  @Test
  void uploadContinuesAfterSigkill() throws Exception {
    continuesAfterRestart(true);
  }

  private void continuesAfterRestart(boolean kill) throws Exception {
    GeneratedBlob blob = new GeneratedBlob(kill ? 31 : 32, 10_000_123);
    String digest = blob.digest();
    URI location = startUpload();
    long first = 3_456_789;
    HttpResponse<String> patch = patch(location, blob, 0, first);
    assertEquals(202, patch.statusCode(), patch.body());
    assertEquals("0-" + (first - 1), header(patch, "Range"));
    String uuid = header(patch, "Docker-Upload-UUID");

    if (kill) {
      registry.kill();
    } else {
      registry.stop();
    }
    assertTrue(!registry.process().isAlive());
    registry = RegistryProcess.start(RegistryProcess.options().dataDir(data));

    URI resumed = URI.create(registry.url()).resolve(location.getPath());
    HttpResponse<String> status = http.send(HttpRequest.newBuilder(resumed).GET().build(), BodyHandlers.ofString());
    assertEquals(204, status.statusCode(), status.body());
    assertEquals("0-" + (first - 1), header(status, "Range"), "the new process knows what was received");
    assertEquals(uuid, header(status, "Docker-Upload-UUID"));

    // A chunk that does not start where the upload ends is refused with the current range.
    HttpResponse<String> wrong = patch(resumed, blob, 0, 1000);
    assertEquals(416, wrong.statusCode(), wrong.body());
    assertEquals("0-" + (first - 1), header(wrong, "Range"));

    finish(resumed, blob, first, digest);
  }

  @Test
  void uploadContinuesAfterSigkillDuringAStreamingPatch() throws Exception {
    GeneratedBlob blob = new GeneratedBlob(33, 96L << 20);
    String digest = blob.digest();
    URI location = startUpload();

    // Stream the body slowly (chunked, no Content-Range), from another thread and connection.
    AtomicLong sent = new AtomicLong();
    HttpClient sender = client();
    CompletableFuture<HttpResponse<String>> streaming = sender.sendAsync(HttpRequest.newBuilder(location)
        .header("Content-Type", "application/octet-stream")
        .method("PATCH", BodyPublishers.ofInputStream(() -> new ThrottledStream(blob.open(), sent, 1 << 20, 40)))
        .build(), BodyHandlers.ofString());

    // Kill the registry once it has written a good part of the body (and while more is coming).
    long received = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (received < (12L << 20)) {
      assertTrue(System.nanoTime() < deadline, "the registry received only " + received + " bytes");
      assertTrue(!streaming.isDone(), "the PATCH ended before the kill: " + (streaming.isDone() ? streaming.join().statusCode() : ""));
      HttpResponse<String> status = http.send(HttpRequest.newBuilder(location).GET().build(), BodyHandlers.ofString());
      assertEquals(204, status.statusCode(), status.body());
      received = end(header(status, "Range")) + 1;
      Thread.sleep(100);
    }
    registry.kill();
    long sentAtKill = sent.get();
    try {
      HttpResponse<String> r = streaming.get(60, TimeUnit.SECONDS);
      throw new AssertionError("the PATCH got an answer from a killed registry: " + r.statusCode());
    } catch (java.util.concurrent.ExecutionException e) {
      assertTrue(e.getCause() instanceof IOException, "expected a broken connection, got " + e.getCause());
    }
    assertTrue(sentAtKill < blob.size(), "the body was not still streaming when the registry was killed");

    registry = RegistryProcess.start(RegistryProcess.options().dataDir(data));
    URI resumed = URI.create(registry.url()).resolve(location.getPath());
    HttpResponse<String> status = http.send(HttpRequest.newBuilder(resumed).GET().build(), BodyHandlers.ofString());
    assertEquals(204, status.statusCode(), status.body());
    long stored = end(header(status, "Range")) + 1;
    System.out.printf("UploadRestartIT: killed after %d bytes were reported, %d sent; %d bytes stored after the restart%n",
        received, sentAtKill, stored);
    assertTrue(stored >= received, "bytes reported before the kill were lost: " + stored + " < " + received);
    assertTrue(stored <= sentAtKill, "more bytes stored than were sent: " + stored + " > " + sentAtKill);

    finish(resumed, blob, stored, digest);
  }

  /** Sends the rest of the blob from {@code from}, finishes the upload and pulls the blob back. */
  private void finish(URI location, GeneratedBlob blob, long from, String digest) throws Exception {
    HttpResponse<String> rest = patch(location, blob, from, blob.size() - from);
    assertEquals(202, rest.statusCode(), rest.body());
    assertEquals("0-" + (blob.size() - 1), header(rest, "Range"));
    URI next = URI.create(registry.url()).resolve(header(rest, "Location"));
    HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(next + "?digest=" + digest))
        .PUT(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
    assertEquals(201, put.statusCode(), put.body());
    assertEquals(digest, header(put, "Docker-Content-Digest"));

    HttpResponse<InputStream> get = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/v2/" + REPO + "/blobs/" + digest))
        .GET().build(), BodyHandlers.ofInputStream());
    assertEquals(200, get.statusCode());
    Object[] got;
    try (InputStream in = get.body()) {
      got = GeneratedBlob.digestOf(in);
    }
    assertEquals(blob.size(), got[1]);
    assertEquals(digest, got[0], "the blob assembled across processes has the right digest");
    // The session is over.
    HttpResponse<String> gone = http.send(HttpRequest.newBuilder(location).GET().build(), BodyHandlers.ofString());
    assertEquals(404, gone.statusCode());
  }

  private URI startUpload() throws Exception {
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/v2/" + REPO + "/blobs/uploads/"))
        .POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
    assertEquals(202, post.statusCode(), post.body());
    return URI.create(registry.url()).resolve(header(post, "Location"));
  }

  private HttpResponse<String> patch(URI location, GeneratedBlob blob, long offset, long length) throws Exception {
    return http.send(HttpRequest.newBuilder(location)
        .timeout(Duration.ofMinutes(5))
        .header("Content-Type", "application/octet-stream")
        .header("Content-Range", offset + "-" + (offset + length - 1))
        .method("PATCH", BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> blob.open(offset, length)), length))
        .build(), BodyHandlers.ofString());
  }

  private static String header(HttpResponse<?> res, String name) {
    return res.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " header in " + res));
  }

  /** The last byte of a {@code Range: 0-<last>} header. */
  private static long end(String range) {
    return Long.parseLong(range.substring(range.indexOf('-') + 1));
  }
}
