package dev.berth.api;

import static dev.berth.api.ApiTestSupport.DOCKER_MANIFEST;
import static dev.berth.api.ApiTestSupport.OCI_INDEX;
import static dev.berth.api.ApiTestSupport.OCI_MANIFEST;
import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.assertError;
import static dev.berth.api.ApiTestSupport.bytes;
import static dev.berth.api.ApiTestSupport.descriptor;
import static dev.berth.api.ApiTestSupport.image;
import static dev.berth.api.ApiTestSupport.index;
import static dev.berth.api.ApiTestSupport.pushBlob;
import static dev.berth.api.ApiTestSupport.pushConfig;
import static dev.berth.api.ApiTestSupport.pushImage;
import static dev.berth.api.ApiTestSupport.pushLayer;
import static dev.berth.api.ApiTestSupport.pushManifest;
import static dev.berth.api.ApiTestSupport.putManifest;
import static dev.berth.api.ApiTestSupport.randomBytes;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;
import static dev.berth.api.ManifestRequests.MAX_MANIFEST;
import static dev.berth.api.ManifestRequests.assertGet;
import static dev.berth.api.ManifestRequests.manifest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.ApiTestSupport.Blob;
import dev.berth.api.ApiTestSupport.Pushed;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Manifest pushes the registry refuses (invalid, unknown references, too large), subjects, and reads of unknown manifests. */
@QuarkusTest
class ManifestPushErrorsApiTest {
  // --- errors ---

  @Test
  void putUnparseableJson_400ManifestInvalid() {
    String repo = repo("manifest");
    assertError(putManifest(repo, "bad", OCI_MANIFEST, "{not json".getBytes(StandardCharsets.UTF_8)),
        400, "MANIFEST_INVALID");
    assertError(putManifest(repo, "bad", OCI_MANIFEST, new byte[0]), 400, "MANIFEST_INVALID");
    assertError(putManifest(repo, "bad", OCI_MANIFEST, "[]".getBytes(StandardCharsets.UTF_8)), 400, "MANIFEST_INVALID");
    assertError(api().get(manifest(repo, "bad")), 404, "MANIFEST_UNKNOWN");
  }

  @Test
  void putMediaTypeDiffersFromContentType_400ManifestInvalid() {
    String repo = repo("manifest");
    byte[] body = bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo)));
    assertError(putManifest(repo, "mismatch", DOCKER_MANIFEST, body), 400, "MANIFEST_INVALID");
    assertError(putManifest(repo, "mismatch", OCI_INDEX, body), 400, "MANIFEST_INVALID");
    api().get(manifest(repo, "mismatch")).then().statusCode(404);
  }

  @Test
  void putUnsupportedSchema_400ManifestInvalid() {
    String repo = repo("manifest");
    ObjectNode m = image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo));
    m.put("schemaVersion", 1);
    assertError(putManifest(repo, "v1", OCI_MANIFEST, bytes(m)), 400, "MANIFEST_INVALID");
  }

  @Test
  void putDigestInUrlDiffersFromBody_400DigestInvalid() {
    String repo = repo("manifest");
    byte[] body = bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo)));
    String other = sha256(randomBytes(10));
    assertError(putManifest(repo, other, OCI_MANIFEST, body), 400, "DIGEST_INVALID");
    api().get(manifest(repo, other)).then().statusCode(404);
    api().get(manifest(repo, sha256(body))).then().statusCode(404);
  }

  @Test
  void putWithMissingConfig_400ManifestBlobUnknown() {
    String repo = repo("manifest");
    Blob missing = new Blob(ApiTestSupport.OCI_CONFIG, sha256(randomBytes(20)), 20);
    byte[] body = bytes(image(OCI_MANIFEST, missing, pushLayer(repo)));
    assertError(putManifest(repo, "t", OCI_MANIFEST, body), 400, "MANIFEST_BLOB_UNKNOWN");
    api().get(manifest(repo, "t")).then().statusCode(404);
  }

  @Test
  void putWithMissingLayer_400ManifestBlobUnknown() {
    String repo = repo("manifest");
    Blob missing = new Blob(ApiTestSupport.OCI_LAYER, sha256(randomBytes(20)), 20);
    byte[] body = bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo), missing));
    assertError(putManifest(repo, "t", OCI_MANIFEST, body), 400, "MANIFEST_BLOB_UNKNOWN");
  }

  @Test
  void putWithLayerOnlyInAnotherRepository_400ManifestBlobUnknown() {
    String repo = repo("manifest");
    Blob elsewhere = pushLayer(repo("manifest"));
    byte[] body = bytes(image(OCI_MANIFEST, pushConfig(repo), elsewhere));
    assertError(putManifest(repo, "t", OCI_MANIFEST, body), 400, "MANIFEST_BLOB_UNKNOWN");
  }

  @Test
  void putWithDeletedLayer_400ManifestBlobUnknown() {
    String repo = repo("manifest");
    Blob layer = pushLayer(repo);
    api().delete("/v2/" + repo + "/blobs/" + layer.digest()).then().statusCode(202);
    assertError(putManifest(repo, "t", OCI_MANIFEST, bytes(image(OCI_MANIFEST, pushConfig(repo), layer))),
        400, "MANIFEST_BLOB_UNKNOWN");
  }

  @Test
  void putIndexWithMissingChild_400ManifestBlobUnknown() {
    String repo = repo("manifest");
    Pushed present = pushImage(repo, null);
    Pushed absent = new Pushed(OCI_MANIFEST, sha256(randomBytes(30)), new byte[30]);
    Response r = putManifest(repo, "idx", OCI_INDEX, bytes(index(OCI_INDEX, present, absent)));
    assertError(r, 400, "MANIFEST_BLOB_UNKNOWN");
    api().get(manifest(repo, "idx")).then().statusCode(404);
  }

  @Test
  void putIndexWithChildOnlyInAnotherRepository_400ManifestBlobUnknown() {
    String repo = repo("manifest");
    pushBlob(repo, randomBytes(3));
    Pushed elsewhere = pushImage(repo("manifest"), "x");
    assertError(putManifest(repo, "idx", OCI_INDEX, bytes(index(OCI_INDEX, elsewhere))), 400, "MANIFEST_BLOB_UNKNOWN");
  }

  @Test
  void putLargerThan4MiB_413() {
    String repo = repo("manifest");
    ObjectNode m = image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo));
    m.putObject("annotations").put("padding", "x".repeat(MAX_MANIFEST));
    Response r = putManifest(repo, "huge", OCI_MANIFEST, bytes(m));
    r.then().statusCode(413);
    assertError(r, 413, "SIZE_INVALID");
    api().get(manifest(repo, "huge")).then().statusCode(404);
  }

  @Test
  void putExactly4MiB_201() {
    String repo = repo("manifest");
    ObjectNode m = image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo));
    m.putObject("annotations").put("padding", "");
    int base = bytes(m).length;
    m.putObject("annotations").put("padding", "x".repeat(MAX_MANIFEST - base));
    byte[] body = bytes(m);
    assertEquals(MAX_MANIFEST, body.length);
    Pushed p = pushManifest(repo, "big", OCI_MANIFEST, body);
    assertGet(repo, "big", p);
  }

  @Test
  void putWithSubject_201WithOciSubjectHeader() {
    String repo = repo("manifest");
    Pushed subject = pushImage(repo, "app");
    ObjectNode sig = image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo));
    sig.set("subject", subject.descriptor());
    Response r = putManifest(repo, "sig", OCI_MANIFEST, bytes(sig));
    r.then().statusCode(201).header("OCI-Subject", subject.digest());
  }

  @Test
  void putWithoutSubject_noOciSubjectHeader() {
    String repo = repo("manifest");
    byte[] body = bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo)));
    Response r = putManifest(repo, "plain", OCI_MANIFEST, body);
    r.then().statusCode(201);
    assertNull(r.header("OCI-Subject"));
  }

  @Test
  void getUnknown_404ManifestUnknown() {
    String repo = repo("manifest");
    pushImage(repo, "known");
    assertError(api().get(manifest(repo, "unknown")), 404, "MANIFEST_UNKNOWN");
    assertError(api().get(manifest(repo, sha256(randomBytes(8)))), 404, "MANIFEST_UNKNOWN");
    api().head(manifest(repo, "unknown")).then().statusCode(404);
    api().head(manifest(repo, sha256(randomBytes(8)))).then().statusCode(404);
  }

  @Test
  void getUnknownRepository_404() {
    Response r = api().get(manifest(repo("manifest"), "latest"));
    r.then().statusCode(404);
    assertError(r, 404, "MANIFEST_UNKNOWN");
  }

  @Test
  void getBlobDigestAsManifest_404ManifestUnknown() {
    String repo = repo("manifest");
    String blob = pushBlob(repo, "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8));
    assertError(api().get(manifest(repo, blob)), 404, "MANIFEST_UNKNOWN");
  }
}
