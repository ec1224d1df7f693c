package dev.berth.api;

import static dev.berth.api.ApiTestSupport.OCI_INDEX;
import static dev.berth.api.ApiTestSupport.OCI_MANIFEST;
import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.assertError;
import static dev.berth.api.ApiTestSupport.bytes;
import static dev.berth.api.ApiTestSupport.image;
import static dev.berth.api.ApiTestSupport.index;
import static dev.berth.api.ApiTestSupport.pushConfig;
import static dev.berth.api.ApiTestSupport.pushImage;
import static dev.berth.api.ApiTestSupport.pushLayer;
import static dev.berth.api.ApiTestSupport.putManifest;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.ApiTestSupport.Blob;
import dev.berth.api.ApiTestSupport.Pushed;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * What the image spec forbids is not stored (400 MANIFEST_INVALID, nothing under the digest): a
 * document with bytes after the JSON object, a key twice, annotations that are not strings.
 * What it allows is stored exactly as sent. A reference that is neither a tag nor a digest names
 * no manifest.
 */
@QuarkusTest
class ManifestRulesApiTest {

  private static void assertRejected(String repo, String contentType, byte[] body) {
    assertError(putManifest(repo, "t", contentType, body), 400, "MANIFEST_INVALID");
    assertError(api().get("/v2/" + repo + "/manifests/" + sha256(body)), 404, "MANIFEST_UNKNOWN");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void trailingBytesAfterTheObject_400() {
    String repo = repo("rules");
    String json = new String(bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo))), StandardCharsets.UTF_8);
    for (String tail : List.of("x", "{}", " {\"schemaVersion\":2}", "\n]", "null", "\"", "0")) {
      assertRejected(repo, OCI_MANIFEST, utf8(json + tail));
    }
    api().get("/v2/" + repo + "/manifests/t").then().statusCode(404);
  }

  @Test
  void duplicateKey_400() {
    String repo = repo("rules");
    Blob config = pushConfig(repo);
    Blob a = pushLayer(repo);
    Blob b = pushLayer(repo);
    // Two readers could pick different layers: one of them would pull what Berth never checked.
    String layers = "\"layers\":[" + new String(bytes(a.descriptor()), StandardCharsets.UTF_8) + "]";
    String other = "\"layers\":[" + new String(bytes(b.descriptor()), StandardCharsets.UTF_8) + "]";
    String json = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":"
        + new String(bytes(config.descriptor()), StandardCharsets.UTF_8) + "," + layers + "," + other + "}";
    assertRejected(repo, OCI_MANIFEST, utf8(json));
  }

  @Test
  void nonStringAnnotationValues_400_everywhere() {
    String repo = repo("rules");
    Blob config = pushConfig(repo);
    Blob layer = pushLayer(repo);
    Pushed child = pushImage(repo, null);
    List<Consumer<ObjectNode>> spoilers = List.of(
        a -> a.put("n", 1), a -> a.put("b", true), a -> a.putNull("z"), a -> a.putObject("o"), a -> a.putArray("l").add("x"));
    for (Consumer<ObjectNode> spoil : spoilers) {
      ObjectNode root = image(OCI_MANIFEST, config, layer);
      spoil.accept(root.putObject("annotations").put("ok", "fine"));
      assertRejected(repo, OCI_MANIFEST, bytes(root));
      ObjectNode inConfig = image(OCI_MANIFEST, config, layer);
      spoil.accept(((ObjectNode) inConfig.get("config")).putObject("annotations"));
      assertRejected(repo, OCI_MANIFEST, bytes(inConfig));
      ObjectNode inLayer = image(OCI_MANIFEST, config, layer);
      spoil.accept(((ObjectNode) inLayer.get("layers").get(0)).putObject("annotations"));
      assertRejected(repo, OCI_MANIFEST, bytes(inLayer));
      ObjectNode inIndex = index(OCI_INDEX, child);
      spoil.accept(((ObjectNode) inIndex.get("manifests").get(0)).putObject("annotations"));
      assertRejected(repo, OCI_INDEX, bytes(inIndex));
      ObjectNode inSubject = image(OCI_MANIFEST, config, layer);
      inSubject.set("subject", child.descriptor());
      spoil.accept(((ObjectNode) inSubject.get("subject")).putObject("annotations"));
      assertRejected(repo, OCI_MANIFEST, bytes(inSubject));
    }
    ObjectNode notAnObject = image(OCI_MANIFEST, config, layer);
    notAnObject.putArray("annotations").add("a=b");
    assertRejected(repo, OCI_MANIFEST, bytes(notAnObject));
    ObjectNode numericType = image(OCI_MANIFEST, config, layer);
    numericType.put("artifactType", 7);
    assertRejected(repo, OCI_MANIFEST, bytes(numericType));
  }

  @Test
  void validManifest_storedByteForByte_whateverItsFormatting() {
    String repo = repo("rules");
    Blob config = pushConfig(repo);
    Blob layer = pushLayer(repo);
    String json = "{\n  \"schemaVersion\" : 2,\r\n\t\"mediaType\": \"" + OCI_MANIFEST + "\",\n  \"config\": "
        + new String(bytes(config.descriptor()), StandardCharsets.UTF_8) + ",\n  \"layers\": ["
        + new String(bytes(layer.descriptor()), StandardCharsets.UTF_8)
        + "],\n  \"annotations\": {\"org.opencontainers.image.title\": \"caf\\u00e9 \u2603\", \"empty\": \"\"}\n}\n\n";
    byte[] body = utf8(json);
    putManifest(repo, "t", OCI_MANIFEST, body).then().statusCode(201).header("Docker-Content-Digest", sha256(body));
    assertArrayEquals(body, api().get("/v2/" + repo + "/manifests/t").asByteArray());
    assertArrayEquals(body, api().get("/v2/" + repo + "/manifests/" + sha256(body)).asByteArray());
  }

  @Test
  void referenceNeitherTagNorDigest_readsAre404_pushIs400() {
    String repo = repo("rules");
    pushImage(repo, "latest");
    byte[] body = bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo)));
    for (String ref : List.of(".INVALID", "-x", "sha256:abc", "a%20b", "x".repeat(129))) {
      assertError(api().get("/v2/" + repo + "/manifests/" + ref), 404, "MANIFEST_UNKNOWN");
      assertEquals(404, api().head("/v2/" + repo + "/manifests/" + ref).statusCode(), ref);
      assertError(api().delete("/v2/" + repo + "/manifests/" + ref), 404, "MANIFEST_UNKNOWN");
      String code = ref.contains(":") ? "DIGEST_INVALID" : "TAG_INVALID";
      assertError(putManifest(repo, ref, OCI_MANIFEST, body), 400, code);
    }
    api().get("/v2/" + repo + "/manifests/latest").then().statusCode(200);
  }
}
