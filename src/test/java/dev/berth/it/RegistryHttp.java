package dev.berth.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plain HTTP against the registry under test, as curl would see it: to check what a client
 * left in the registry independently of that client. Also reads the registry's access log.
 */
final class RegistryHttp {
  static final String ACCEPT_MANIFESTS = String.join(", ",
      OciLayout.OCI_MANIFEST, OciLayout.OCI_INDEX, OciLayout.DOCKER_MANIFEST,
      "application/vnd.docker.distribution.manifest.list.v2+json");

  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10))
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  private final String base;

  RegistryHttp(RegistryProcess registry) {
    this.base = registry.url();
  }

  /** A response: status, headers, body. */
  record Answer(int status, java.net.http.HttpHeaders headers, byte[] body) {
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  Answer head(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).method("HEAD", HttpRequest.BodyPublishers.noBody())
        .header("Accept", ACCEPT_MANIFESTS));
  }

  Answer get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET().header("Accept", ACCEPT_MANIFESTS));
  }

  /** The bytes of a blob of the repository; fails unless 200 with bytes that match the digest. */
  byte[] blob(String repo, String digest) {
    Answer a = get("/v2/" + repo + "/blobs/" + digest);
    if (a.status() != 200) {
      throw new AssertionError("GET blob " + digest + " of " + repo + ": " + a.status() + " " + a.text());
    }
    String actual = OciLayout.sha256(a.body());
    if (!actual.equals(digest)) {
      throw new AssertionError("GET blob " + digest + " of " + repo + " returned bytes with digest " + actual);
    }
    return a.body();
  }

  private static Answer send(HttpRequest.Builder b) {
    try {
      HttpResponse<byte[]> r = CLIENT.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One request of the registry's access log (Quarkus' "common" format), its target URL-decoded. */
  record Logged(String method, String target, int status) {}

  private static final Pattern LINE = Pattern.compile("\"([A-Z]+) (\\S+) HTTP/[0-9.]+\" (\\d{3}) ");

  /**
   * The requests in the registry's access log (started with
   * {@code QUARKUS_HTTP_ACCESS_LOG_ENABLED=true}), oldest first.
   */
  static List<Logged> accessLog(String log) {
    List<Logged> all = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (!line.contains("access-log")) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (m.find()) {
        all.add(new Logged(m.group(1), URLDecoder.decode(m.group(2), StandardCharsets.UTF_8), Integer.parseInt(m.group(3))));
      }
    }
    return all;
  }

  /**
   * Waits (up to 10 s) until the access log shows a request for which the predicate holds; the
   * log is written asynchronously, a moment after the response.
   */
  static Optional<Logged> awaitLogged(RegistryProcess registry, java.util.function.Predicate<Logged> what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        Optional<Logged> hit = accessLog(registry.log()).stream().filter(what).findFirst();
        if (hit.isPresent() || System.nanoTime() > deadline) {
          return hit;
        }
        Thread.sleep(100);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  static String readString(Path p) {
    try {
      return Files.readString(p).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
