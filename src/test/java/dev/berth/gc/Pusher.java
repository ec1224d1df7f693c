package dev.berth.gc;

import dev.berth.it.RegistryClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pushes and pulls images as a client does, over plain HTTP: each blob is checked with HEAD,
 * mounted from another repository or uploaded, then the manifest is PUT. Used by the GC tests
 * against the in-process registry and the packaged one.
 */
final class Pusher {
  static final String IMAGE = "application/vnd.oci.image.manifest.v1+json";
  final RegistryClient http;

  Pusher(String base) {
    this.http = new RegistryClient(base);
  }

  /** An image as pushed: what a pull must give back byte for byte. */
  record Image(String repo, String tag, String digest, byte[] manifest, Map<String, byte[]> blobs) {}

  /** Thrown when the registry refused the manifest (the image is not acknowledged). */
  static final class Refused extends Exception {
    Refused(String m) {
      super(m);
    }
  }

  /** Pushes config + layers ({@code mountFrom}: try a cross-repository mount first), then the manifest. */
  Image push(String repo, String tag, byte[] config, List<byte[]> layers, String mountFrom) throws Exception {
    Map<String, byte[]> blobs = new java.util.LinkedHashMap<>();
    blobs.put(RegistryClient.sha256(config), config);
    for (byte[] l : layers) {
      blobs.put(RegistryClient.sha256(l), l);
    }
    for (var b : blobs.entrySet()) {
      ensure(repo, b.getKey(), b.getValue(), mountFrom);
    }
    StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + IMAGE + "\",\"config\":")
        .append(desc("application/vnd.oci.image.config.v1+json", config)).append(",\"layers\":[");
    List<String> ls = new ArrayList<>();
    for (byte[] l : layers) {
      ls.add(desc("application/vnd.oci.image.layer.v1.tar", l));
    }
    json.append(String.join(",", ls)).append("]}");
    byte[] manifest = json.toString().getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> r = http.send("PUT", "/v2/" + repo + "/manifests/" + tag, manifest, "Content-Type", IMAGE);
    if (r.statusCode() != 201) {
      throw new Refused("PUT manifest " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
    }
    return new Image(repo, tag, RegistryClient.sha256(manifest), manifest, blobs);
  }

  private void ensure(String repo, String digest, byte[] data, String mountFrom) throws Exception {
    if (http.send("HEAD", "/v2/" + repo + "/blobs/" + digest, null).statusCode() == 200) {
      return;
    }
    if (mountFrom != null) {
      HttpResponse<byte[]> m = http.send("POST", "/v2/" + repo + "/blobs/uploads/?mount=" + digest + "&from=" + mountFrom, null);
      if (m.statusCode() == 201) {
        return;
      }
      if (m.statusCode() == 202) {
        http.send("DELETE", m.headers().firstValue("Location").orElseThrow(), null);
      }
    }
    HttpResponse<byte[]> r = http.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + digest, data,
        "Content-Type", "application/octet-stream");
    if (r.statusCode() != 201) {
      throw new IllegalStateException("upload " + digest + ": " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
    }
  }

  private static String desc(String mediaType, byte[] data) {
    return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + RegistryClient.sha256(data) + "\",\"size\":" + data.length + "}";
  }

  /** Why the image does not pull back byte-identical, or null when it does. */
  String verify(Image i) throws Exception {
    for (String ref : List.of(i.tag(), i.digest())) {
      HttpResponse<byte[]> r = http.send("GET", "/v2/" + i.repo() + "/manifests/" + ref, null, "Accept", IMAGE);
      if (r.statusCode() != 200 || !java.util.Arrays.equals(r.body(), i.manifest())) {
        return i.repo() + ":" + ref + " manifest " + r.statusCode();
      }
    }
    for (var b : i.blobs().entrySet()) {
      HttpResponse<byte[]> r = http.send("GET", "/v2/" + i.repo() + "/blobs/" + b.getKey(), null);
      if (r.statusCode() != 200 || !java.util.Arrays.equals(r.body(), b.getValue())) {
        return i.repo() + ":" + i.tag() + " blob " + b.getKey() + " " + r.statusCode();
      }
    }
    return null;
  }

  int deleteManifest(String repo, String digest) throws Exception {
    return http.send("DELETE", "/v2/" + repo + "/manifests/" + digest, null).statusCode();
  }
}
