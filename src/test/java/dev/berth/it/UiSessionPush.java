package dev.berth.it;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Pushes a one-layer image over /v2/ with Basic credentials, and asks whether a tag or manifest is there. */
final class UiSessionPush {
  private final RegistryClient client;
  private final String authorization;

  UiSessionPush(String base, String authorization) {
    this.client = new RegistryClient(base);
    this.authorization = authorization;
  }

  /** Pushes an image whose layer holds {@code marker} and tags it; returns the manifest's digest. */
  String image(String repo, String tag, String marker) throws Exception {
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"m\":\"" + marker + "\"}}}")
        .getBytes(StandardCharsets.UTF_8);
    byte[] layer = ("layer " + marker).getBytes(StandardCharsets.UTF_8);
    String c = blob(repo, config);
    String l = blob(repo, layer);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + c + "\",\"size\":" + config.length + "},"
        + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + l + "\",\"size\":" + layer.length + "}]}")
        .getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> put = client.send("PUT", "/v2/" + repo + "/manifests/" + tag, manifest,
        "Authorization", authorization, "Content-Type", "application/vnd.oci.image.manifest.v1+json");
    if (put.statusCode() != 201) {
      throw new AssertionError("PUT manifest: " + put.statusCode() + " " + new String(put.body(), StandardCharsets.UTF_8));
    }
    return RegistryClient.sha256(manifest);
  }

  private String blob(String repo, byte[] data) throws Exception {
    String digest = RegistryClient.sha256(data);
    HttpResponse<byte[]> r = client.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + digest, data,
        "Authorization", authorization, "Content-Type", "application/octet-stream");
    if (r.statusCode() != 201) {
      throw new AssertionError("POST blob: " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
    }
    return digest;
  }

  /** The status of {@code HEAD /v2/<repo>/manifests/<reference>}: 200 while it exists, 404 once deleted. */
  int head(String repo, String reference) throws Exception {
    return client.send("HEAD", "/v2/" + repo + "/manifests/" + reference, null, "Authorization", authorization,
        "Accept", "application/vnd.oci.image.manifest.v1+json").statusCode();
  }
}
