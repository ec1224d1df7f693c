package dev.berth.it;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code docker-registry} (CNCF distribution 2.8.2) on a free loopback port, as an
 * upstream: filesystem storage in a temp directory, htpasswd (bcrypt) auth, its access log in its
 * log file. It can be stopped and started again on the same port over the same storage. With a
 * certificate and key (PEM) it serves HTTPS ({@code http.tls}) instead of HTTP.
 */
final class Distribution implements AutoCloseable {
  static final String USER = "upstream";
  final String password = "up-" + Long.toHexString(System.nanoTime());
  private final Path dir;
  private final int port;
  private final Path log;
  private final boolean tls;
  private Process process;

  Distribution() throws IOException, InterruptedException {
    this(null, null);
  }

  /** Serving HTTPS with {@code cert} and {@code key} (PEM) when they are given. */
  Distribution(Path cert, Path key) throws IOException, InterruptedException {
    tls = cert != null;
    String binary = Cmd.require("docker-registry", "docker-registry");
    dir = TempDirs.create("berth-upstream-");
    port = RegistryProcess.freePort();
    log = dir.resolve("registry.log");
    Cmd.Result h = Cmd.of(Cmd.require("htpasswd", "apache2-utils"), "-nbB", USER, password).ok();
    Files.writeString(dir.resolve("htpasswd"), h.stdout().strip() + "\n");
    Files.writeString(dir.resolve("config.yml"), String.join("\n",
        "version: 0.1",
        "log: {level: info, accesslog: {disabled: false}}",
        "storage:",
        "  filesystem: {rootdirectory: " + dir.resolve("data") + "}",
        "  delete: {enabled: true}",
        "  maintenance: {uploadpurging: {enabled: false}}",
        "auth: {htpasswd: {realm: upstream, path: " + dir.resolve("htpasswd") + "}}",
        "http: {addr: 127.0.0.1:" + port
            + (tls ? ", tls: {certificate: " + cert + ", key: " + key + "}" : "") + "}", ""));
    start(binary);
  }

  void start() throws IOException, InterruptedException {
    start(Cmd.require("docker-registry", "docker-registry"));
  }

  private void start(String binary) throws IOException, InterruptedException {
    process = new ProcessBuilder(binary, "serve", dir.resolve("config.yml").toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("docker-registry exited:\n" + log());
      }
      if (tls) { // listening is enough: checking its certificate is what the tests do
        try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
          return;
        } catch (IOException e) {
          Thread.sleep(50);
          continue;
        }
      }
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create(url() + "/v2/").toURL().openConnection();
        c.setConnectTimeout(500);
        if (c.getResponseCode() == 401) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("docker-registry did not start:\n" + log());
  }

  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  String url() {
    return (tls ? "https" : "http") + "://127.0.0.1:" + port;
  }

  String hostPort() {
    return "127.0.0.1:" + port;
  }

  String creds() {
    return USER + ":" + password;
  }

  String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** How many requests of the access log were {@code method target} answered with {@code status}. */
  long logged(String method, String target, int status) throws IOException {
    String needle = "\"" + method + " " + target + " HTTP/1.1\" " + status + " ";
    return log().lines().filter(l -> l.contains(needle)).count();
  }

  /**
   * {@link #logged}, once at least {@code atLeast} such requests are logged (waiting up to 10 s:
   * a request's line is written a moment after its answer).
   */
  long awaitLogged(String method, String target, int status, long atLeast) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long n;
    while ((n = logged(method, target, status)) < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    return n;
  }

  /** Where the upstream keeps a blob's bytes. */
  Path blobFile(String digest) {
    String hex = digest.substring("sha256:".length());
    return dir.resolve("data/docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
  }

  /** Uploads a blob into a repository of the upstream (POST, then PUT with the whole body). */
  void pushBlob(String repo, GeneratedBlob blob) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    String auth = "Basic " + Base64.getEncoder().encodeToString(creds().getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(url() + "/v2/" + repo + "/blobs/uploads/"))
        .header("Authorization", auth).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    if (post.statusCode() != 202) {
      throw new IllegalStateException("upstream POST upload: " + post.statusCode() + " " + post.body());
    }
    URI location = URI.create(url()).resolve(post.headers().firstValue("Location").orElseThrow());
    String sep = location.getRawQuery() == null ? "?" : "&";
    HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(location + sep + "digest=" + blob.digest()))
        .header("Authorization", auth).header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(blob::open), blob.size()))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (put.statusCode() != 201) {
      throw new IllegalStateException("upstream PUT upload: " + put.statusCode() + " " + put.body());
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      stop();
    }
    TempDirs.delete(dir);
  }
}
