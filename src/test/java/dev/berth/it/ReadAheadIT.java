package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A blob pushed with O_DIRECT (the filesystem driver's default) is not in the page cache, and a
 * cold read with the kernel's own read-ahead ran at a quarter of the disk's speed here. The native
 * executable asks for {@code ReadAhead.WINDOW} (8 MiB) ahead of what it sends, with
 * {@code posix_fadvise(WILLNEED)}: seen from outside with {@code strace} on the running process.
 * The JVM has no fadvise: there the test checks the cold pull's bytes and reports the calls (none).
 */
class ReadAheadIT {
  static final int SIZE = 32 << 20;

  @Test
  void coldBlobIsReadAheadOfTheClient() throws Exception {
    byte[] blob = new byte[SIZE];
    new Random(42).nextBytes(blob);
    String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
    Path trace = Files.createTempFile("berth-readahead", ".strace");
    try (RegistryProcess registry = RegistryProcess.start()) {
      push(registry, "cold/blob", digest, blob);
      Process strace = new ProcessBuilder("strace", "-f", "-e", "trace=fadvise64", "-o", trace.toString(),
          "-p", Long.toString(registry.pid())).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      try {
        awaitAttached(strace);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<InputStream> get = http.send(HttpRequest.newBuilder(
            URI.create(registry.url() + "/v2/cold/blob/blobs/" + digest)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, get.statusCode());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (InputStream in = get.body()) {
          byte[] buf = new byte[1 << 16];
          for (int n; (n = in.read(buf)) > 0; total += n) {
            sha.update(buf, 0, n);
          }
        }
        assertEquals(SIZE, total);
        assertEquals(digest, "sha256:" + HexFormat.of().formatHex(sha.digest()));
      } finally {
        strace.destroy(); // SIGTERM: strace detaches and the registry runs on
        strace.waitFor(10, TimeUnit.SECONDS);
      }
      List<String> advice = Files.readAllLines(trace).stream().filter(l -> l.contains("POSIX_FADV_WILLNEED")).toList();
      System.out.printf("ReadAheadIT: %s: %d fadvise(WILLNEED) calls for a cold %d MiB pull%n",
          RegistryProcess.nativeExecutable() ? "native" : "JVM", advice.size(), SIZE >> 20);
      if (RegistryProcess.nativeExecutable()) {
        assertTrue(advice.stream().anyMatch(l -> l.contains(", 0, 8388608, POSIX_FADV_WILLNEED) = 0")),
            "the first 8 MiB are asked for: " + advice);
        assertTrue(advice.size() >= SIZE / (8 << 20), "a window every 4 MiB read: " + advice);
      }
    } finally {
      Files.deleteIfExists(trace);
    }
  }

  /** strace says "Process N attached" on stderr once it traces a thread. */
  private static void awaitAttached(Process strace) throws IOException {
    var err = new java.io.BufferedReader(new java.io.InputStreamReader(strace.getErrorStream(), StandardCharsets.UTF_8));
    for (String line; (line = err.readLine()) != null; ) {
      if (line.contains("attached")) {
        Thread drain = new Thread(() -> {
          try {
            err.transferTo(java.io.Writer.nullWriter());
          } catch (IOException e) {
            // strace ended
          }
        });
        drain.setDaemon(true);
        drain.start();
        return;
      }
    }
    throw new AssertionError("strace did not attach to the registry (it needs ptrace: run as root)");
  }

  private static void push(RegistryProcess registry, String repo, String digest, byte[] blob) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/v2/" + repo + "/blobs/uploads/"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, post.statusCode(), post.body());
    URI location = URI.create(registry.url()).resolve(post.headers().firstValue("Location").orElseThrow());
    String sep = location.getQuery() == null ? "?" : "&";
    HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(location + sep + "digest=" + digest))
        .header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, put.statusCode(), put.body());
  }

  private static Path blobFile(Path data, String digest) throws IOException {
    String hex = digest.substring("sha256:".length());
    try (Stream<Path> files = Files.walk(data)) {
      return files.filter(p -> p.toString().contains(hex) && Files.isRegularFile(p))
          .filter(p -> p.toFile().length() == SIZE).findFirst()
          .orElseThrow(() -> new AssertionError("no stored file for " + digest + " under " + data));
    }
  }
}
