package dev.berth.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/** A minimal registry client over java.net.http for integration tests: blob pushes and pulls. */
public final class RegistryClient {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private final String base;

  public RegistryClient(String base) {
    this.base = base;
  }

  public static String sha256(byte[] data) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
        .timeout(Duration.ofMinutes(5))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Starts an upload session and returns its location (a path). */
  public String startUpload(String repo) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = send("POST", "/v2/" + repo + "/blobs/uploads/", null);
    if (r.statusCode() != 202) {
      throw new IllegalStateException("POST upload: " + r.statusCode() + " " + new String(r.body()));
    }
    return r.headers().firstValue("Location").orElseThrow();
  }

  public HttpResponse<byte[]> patch(String location, byte[] chunk, long offset) throws IOException, InterruptedException {
    return send("PATCH", location, chunk, "Content-Type", "application/octet-stream",
        "Content-Range", offset + "-" + (offset + chunk.length - 1));
  }

  public HttpResponse<byte[]> finish(String location, String digest) throws IOException, InterruptedException {
    return send("PUT", location + (location.contains("?") ? "&" : "?") + "digest=" + digest, null);
  }

  /** Pushes a whole blob with POST + PUT and returns its digest. */
  public String pushBlob(String repo, byte[] data) throws IOException, InterruptedException {
    String digest = sha256(data);
    String loc = startUpload(repo);
    HttpResponse<byte[]> r = send("PUT", loc + "?digest=" + digest, data, "Content-Type", "application/octet-stream");
    if (r.statusCode() != 201) {
      throw new IllegalStateException("PUT blob: " + r.statusCode() + " " + new String(r.body()));
    }
    return digest;
  }

  public byte[] getBlob(String repo, String digest) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = send("GET", "/v2/" + repo + "/blobs/" + digest, null);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET blob: " + r.statusCode() + " " + new String(r.body()));
    }
    return r.body();
  }

  /** Streams a body (possibly slowly) as a PATCH; used to be interrupted by a crash. */
  public HttpResponse<byte[]> patchStream(String location, InputStream body) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + location))
        .timeout(Duration.ofMinutes(5))
        .header("Content-Type", "application/octet-stream")
        .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> body))
        .build();
    return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
  }
}
