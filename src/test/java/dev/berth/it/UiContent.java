package dev.berth.it;

import static dev.berth.it.OciLayout.JSON;
import static dev.berth.it.OciLayout.bytes;
import static dev.berth.it.OciLayout.files;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What UiIT browses, in an OCI layout for skopeo: a two-platform index, an image whose labels and
 * annotations try to inject script; and referrers pushed over HTTP (an SBOM of the image, and a
 * signature of the SBOM) because skopeo copies images, not artifacts.
 */
final class UiContent {
  static final String XSS_SCRIPT = "<script>window.__xss=1</script>";
  static final String XSS_ATTR = "\"><img src=x onerror=window.__xss=1>";
  static final String SBOM_TYPE = "application/spdx+json";
  static final String SIG_TYPE = "application/vnd.dev.cosign.artifact.sig.v1+json";
  static final String EMPTY_TYPE = "application/vnd.oci.empty.v1+json";

  private UiContent() {}

  /** linux/amd64 and linux/arm64 images (returned) and their index, tagged {@code multi}. */
  static List<OciLayout.Image> index(OciLayout layout) {
    OciLayout.Image amd64 = layout.image("amd64", files("etc/os-release", "ID=berth-amd64\n"));
    OciLayout.Image arm64 = layout.image("arm64", files("etc/os-release", "ID=berth-arm64\n"));
    layout.tag("multi", layout.index(List.of(amd64, arm64)));
    return List.of(amd64, arm64);
  }

  /** An image with labels, env, entrypoint and annotations, two of them carrying markup; tagged {@code labels}. */
  static OciLayout.Blob labelled(OciLayout layout) {
    byte[] tar = Tar.tar(files("app/hello.txt", "hello\n"));
    OciLayout.Blob layer = layout.put(OciLayout.OCI_LAYER_GZIP, Tar.gzip(tar));
    ObjectNode config = JSON.createObjectNode();
    config.put("created", "2026-01-02T03:04:05Z").put("architecture", "amd64").put("os", "linux");
    ObjectNode c = config.putObject("config");
    c.putArray("Env").add("PATH=/usr/bin").add("GREETING=" + XSS_ATTR);
    c.putArray("Entrypoint").add("/app/run");
    c.putArray("Cmd").add("--port").add("8080");
    c.putObject("Labels").put("org.opencontainers.image.title", "Labelled demo")
        .put("evil.script", XSS_SCRIPT).put("evil.attr", XSS_ATTR);
    config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(OciLayout.sha256(tar));
    config.putArray("history").addObject().put("created", "2026-01-02T03:04:05Z").put("created_by", "COPY hello.txt /app/ " + XSS_SCRIPT);
    OciLayout.Blob configBlob = layout.put(OciLayout.OCI_CONFIG, bytes(config));
    ObjectNode m = JSON.createObjectNode();
    m.put("schemaVersion", 2).put("mediaType", OciLayout.OCI_MANIFEST);
    m.set("config", configBlob.descriptor());
    m.putArray("layers").add(layer.descriptor());
    m.putObject("annotations").put("org.opencontainers.image.description", XSS_ATTR).put("evil.annotation", XSS_SCRIPT);
    OciLayout.Blob manifest = layout.put(OciLayout.OCI_MANIFEST, bytes(m));
    layout.tag("labels", manifest);
    return manifest;
  }

  /** Pushes an artifact manifest of {@code artifactType} whose subject is {@code subject}. */
  static OciLayout.Blob pushReferrer(RegistryClient client, String repo, OciLayout.Blob subject, String artifactType, String content)
      throws Exception {
    byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    client.pushBlob(repo, empty);
    client.pushBlob(repo, data);
    ObjectNode m = JSON.createObjectNode();
    m.put("schemaVersion", 2).put("mediaType", OciLayout.OCI_MANIFEST).put("artifactType", artifactType);
    m.putObject("config").put("mediaType", EMPTY_TYPE).put("digest", RegistryClient.sha256(empty)).put("size", empty.length);
    m.putArray("layers").addObject().put("mediaType", artifactType).put("digest", RegistryClient.sha256(data)).put("size", data.length);
    m.set("subject", subject.descriptor());
    m.putObject("annotations").put("org.opencontainers.image.created", "2026-01-02T03:04:05Z").put("evil", XSS_SCRIPT);
    byte[] body = bytes(m);
    String digest = RegistryClient.sha256(body);
    HttpResponse<byte[]> r = client.send("PUT", "/v2/" + repo + "/manifests/" + digest, body, "Content-Type", OciLayout.OCI_MANIFEST);
    if (r.statusCode() != 201) {
      throw new IllegalStateException("PUT referrer: " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
    }
    return new OciLayout.Blob(OciLayout.OCI_MANIFEST, digest, body);
  }

  /** {@code count} more repositories {@code filler/nNNN}, each a copy of {@code image} by cross-repository mounts. */
  static void fillers(RegistryClient client, String from, OciLayout.Image image, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      String repo = String.format("filler/n%03d", i);
      for (OciLayout.Blob b : image.blobs()) {
        HttpResponse<byte[]> r = client.send("POST", "/v2/" + repo + "/blobs/uploads/?mount=" + b.digest() + "&from=" + from, null);
        if (r.statusCode() != 201) {
          throw new IllegalStateException("mount into " + repo + ": " + r.statusCode());
        }
      }
      HttpResponse<byte[]> r = client.send("PUT", "/v2/" + repo + "/manifests/latest", image.manifest().bytes(),
          "Content-Type", OciLayout.OCI_MANIFEST);
      if (r.statusCode() != 201) {
        throw new IllegalStateException("PUT " + repo + ": " + r.statusCode());
      }
    }
  }
}
