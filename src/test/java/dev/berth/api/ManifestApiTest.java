package dev.berth.api;

import static dev.berth.api.ApiTestSupport.DOCKER_CONFIG;
import static dev.berth.api.ApiTestSupport.DOCKER_LAYER;
import static dev.berth.api.ApiTestSupport.DOCKER_LIST;
import static dev.berth.api.ApiTestSupport.DOCKER_MANIFEST;
import static dev.berth.api.ApiTestSupport.MAPPER;
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
import static dev.berth.api.ApiTestSupport.sha512;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.ApiTestSupport.Blob;
import dev.berth.api.ApiTestSupport.Pushed;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GET/HEAD/PUT/DELETE /v2/<name>/manifests/<reference>}. */
@QuarkusTest
class ManifestApiTest {
  private static final int MAX_MANIFEST = 4 * 1024 * 1024;

  private static String manifest(String repo, String reference) {
    return "/v2/" + repo + "/manifests/" + reference;
  }

  private static void assertGet(String repo, String reference, Pushed expected) {
    Response r = api().get(manifest(repo, reference));
    r.then()
        .statusCode(200)
        .header("Content-Type", expected.mediaType())
        .header("Docker-Content-Digest", expected.digest())
        .header("Content-Length", String.valueOf(expected.bytes().length));
    assertArrayEquals(expected.bytes(), r.asByteArray(), "the exact bytes pushed");
  }

  private static void assertHead(String repo, String reference, Pushed expected) {
    Response r = api().head(manifest(repo, reference));
    r.then()
        .statusCode(200)
        .header("Content-Type", expected.mediaType())
        .header("Docker-Content-Digest", expected.digest())
        .header("Content-Length", String.valueOf(expected.bytes().length));
    assertEquals(0, r.asByteArray().length);
  }

  /** An OCI image manifest in unusual (but valid) formatting, so that re-serializing it would show. */
  private static byte[] oddlyFormatted(ObjectNode manifest) throws Exception {
    String pretty = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(manifest);
    return ("\n  " + pretty.replace("\n", "\r\n\t") + "  \n").getBytes(StandardCharsets.UTF_8);
  }

  // --- push and pull ---

  @Test
  void putByTag_201ThenGetByTagAndDigestReturnExactBytes() throws Exception {
    String repo = repo("manifest");
    byte[] body = oddlyFormatted(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo), pushLayer(repo)));
    Pushed p = pushManifest(repo, "latest", OCI_MANIFEST, body);
    assertEquals(sha256(body), p.digest());
    assertGet(repo, "latest", p);
    assertGet(repo, p.digest(), p);
  }

  @Test
  void headByTagAndDigest_200HeadersWithoutBody() {
    String repo = repo("manifest");
    Pushed p = pushImage(repo, "v1");
    assertHead(repo, "v1", p);
    assertHead(repo, p.digest(), p);
  }

  @Test
  void getManifest_etagIsTheDigest() {
    String repo = repo("manifest");
    Pushed p = pushImage(repo, "v1");
    api().get(manifest(repo, "v1")).then().statusCode(200).header("ETag", "\"" + p.digest() + "\"");
    api().header("If-None-Match", "\"" + p.digest() + "\"").get(manifest(repo, "v1")).then().statusCode(304);
  }

  @Test
  void putByDigest_201AndNotTagged() {
    String repo = repo("manifest");
    byte[] body = bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo)));
    Pushed p = pushManifest(repo, sha256(body), OCI_MANIFEST, body);
    assertGet(repo, p.digest(), p);
    api().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", empty());
  }

  @Test
  void putBySha512Digest_201() {
    String repo = repo("manifest");
    byte[] body = bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo)));
    String digest = sha512(body);
    putManifest(repo, digest, OCI_MANIFEST, body).then()
        .statusCode(201)
        .header("Docker-Content-Digest", digest)
        .header("Location", manifest(repo, digest));
    assertGet(repo, digest, new Pushed(OCI_MANIFEST, digest, body));
  }

  @Test
  void putWithTagParameters_setsEachTagWithOneOciTagHeaderPerTag() {
    String repo = repo("manifest");
    byte[] body = bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo)));
    String digest = sha256(body);
    Response r = api().contentType(OCI_MANIFEST).body(body).queryParam("tag", "a").queryParam("tag", "b")
        .put(manifest(repo, digest));
    r.then().statusCode(201).header("Docker-Content-Digest", digest);
    assertEquals(List.of("a", "b"), r.headers().getValues("OCI-Tag"));
    Pushed p = new Pushed(OCI_MANIFEST, digest, body);
    assertGet(repo, "a", p);
    assertGet(repo, "b", p);
    api().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", contains("a", "b"));
  }

  @Test
  void putByTagWithTagParameters_setsAllTags() {
    String repo = repo("manifest");
    byte[] body = bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo)));
    Response r = api().contentType(OCI_MANIFEST).body(body).queryParam("tag", "extra").put(manifest(repo, "main"));
    r.then().statusCode(201);
    assertEquals(List.of("main", "extra"), r.headers().getValues("OCI-Tag"));
    assertGet(repo, "extra", new Pushed(OCI_MANIFEST, sha256(body), body));
    assertGet(repo, "main", new Pushed(OCI_MANIFEST, sha256(body), body));
  }

  @Test
  void putWithInvalidTagParameter_400TagInvalid() {
    String repo = repo("manifest");
    byte[] body = bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo)));
    assertError(api().contentType(OCI_MANIFEST).body(body).queryParam("tag", "-bad").put(manifest(repo, sha256(body))),
        400, "TAG_INVALID");
    api().get(manifest(repo, sha256(body))).then().statusCode(404);
  }

  @Test
  void putSameTagAgain_movesTheTag() {
    String repo = repo("manifest");
    Pushed first = pushImage(repo, "latest");
    Pushed second = pushImage(repo, "latest");
    assertGet(repo, "latest", second);
    assertGet(repo, first.digest(), first);
  }

  @Test
  void putDockerV2Schema2_201() {
    String repo = repo("manifest");
    ObjectNode m = image(DOCKER_MANIFEST, pushConfig(repo, DOCKER_CONFIG), pushLayer(repo, DOCKER_LAYER));
    Pushed p = pushManifest(repo, "docker", m);
    assertGet(repo, "docker", p);
    assertHead(repo, p.digest(), p);
  }

  @Test
  void putDockerManifestList_201() {
    String repo = repo("manifest");
    Pushed amd64 = pushManifest(repo, "amd64",
        image(DOCKER_MANIFEST, pushConfig(repo, DOCKER_CONFIG), pushLayer(repo, DOCKER_LAYER)));
    Pushed arm64 = pushManifest(repo, "arm64",
        image(DOCKER_MANIFEST, pushConfig(repo, DOCKER_CONFIG), pushLayer(repo, DOCKER_LAYER)));
    Pushed list = pushManifest(repo, "multi", index(DOCKER_LIST, amd64, arm64));
    assertGet(repo, "multi", list);
  }

  @Test
  void putOciImageIndex_201() {
    String repo = repo("manifest");
    Pushed a = pushImage(repo, null);
    Pushed b = pushImage(repo, null);
    Pushed idx = pushManifest(repo, "index", index(OCI_INDEX, a, b));
    assertGet(repo, "index", idx);
    assertGet(repo, idx.digest(), idx);
  }

  @Test
  void putEmptyIndex_201() {
    String repo = repo("manifest");
    pushBlob(repo, randomBytes(4));
    pushManifest(repo, "empty", index(OCI_INDEX));
  }

  @Test
  void putManifestWithoutMediaTypeField_201TypeFromContentType() {
    String repo = repo("manifest");
    byte[] body = bytes(image(null, pushConfig(repo), pushLayer(repo)));
    Pushed p = pushManifest(repo, "nofield", OCI_MANIFEST, body);
    assertGet(repo, "nofield", p);
  }

  @Test
  void putIndexWithoutMediaTypeField_201TypeFromContentType() {
    String repo = repo("manifest");
    Pushed child = pushImage(repo, null);
    byte[] body = bytes(index(null, child));
    Pushed p = pushManifest(repo, "nofield-index", OCI_INDEX, body);
    assertGet(repo, "nofield-index", p);
  }

  @Test
  void putManifestWithoutMediaTypeFieldOrContentType_201TypeFromShape() {
    String repo = repo("manifest");
    byte[] body = bytes(image(null, pushConfig(repo), pushLayer(repo)));
    putManifest(repo, "shape", "application/json", body).then().statusCode(201);
    assertGet(repo, "shape", new Pushed(OCI_MANIFEST, sha256(body), body));
  }

  @Test
  void putManifestWithForeignLayer_201WithoutTheLayer() {
    String repo = repo("manifest");
    ObjectNode foreign = descriptor("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
        sha256(randomBytes(8)), 8);
    foreign.putArray("urls").add("https://example.com/layer.tar.gz");
    ObjectNode m = image(DOCKER_MANIFEST, pushConfig(repo, DOCKER_CONFIG), pushLayer(repo, DOCKER_LAYER));
    ((ArrayNode) m.get("layers")).add(foreign);
    pushManifest(repo, "windows", m);
  }

  @Test
  void manifest_notVisibleInAnotherRepository() {
    String a = repo("manifest");
    String b = repo("manifest");
    Pushed p = pushImage(a, "latest");
    pushImage(b, "other");
    assertError(api().get(manifest(b, p.digest())), 404, "MANIFEST_UNKNOWN");
    assertError(api().get(manifest(b, "latest")), 404, "MANIFEST_UNKNOWN");
  }

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

  // --- delete ---

  @Test
  void deleteByDigest_202RemovesManifestAndItsTags() {
    String repo = repo("manifest");
    byte[] body = bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo)));
    String digest = sha256(body);
    api().contentType(OCI_MANIFEST).body(body).queryParam("tag", "a").queryParam("tag", "b")
        .put(manifest(repo, digest)).then().statusCode(201);
    Pushed other = pushImage(repo, "c");
    api().delete(manifest(repo, digest)).then().statusCode(202);
    assertError(api().get(manifest(repo, digest)), 404, "MANIFEST_UNKNOWN");
    api().head(manifest(repo, digest)).then().statusCode(404);
    assertError(api().get(manifest(repo, "a")), 404, "MANIFEST_UNKNOWN");
    assertError(api().get(manifest(repo, "b")), 404, "MANIFEST_UNKNOWN");
    assertGet(repo, "c", other);
    api().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", contains("c"));
    assertError(api().delete(manifest(repo, digest)), 404, "MANIFEST_UNKNOWN");
  }

  @Test
  void deleteByDigest_otherRepositoryKeepsTheManifest() {
    String a = repo("manifest");
    String b = repo("manifest");
    Blob config = pushConfig(a);
    Blob layer = pushLayer(a);
    byte[] body = bytes(image(OCI_MANIFEST, config, layer));
    pushBlob(b, "x".getBytes(StandardCharsets.UTF_8));
    api().queryParam("mount", config.digest()).queryParam("from", a).post("/v2/" + b + "/blobs/uploads/").then().statusCode(201);
    api().queryParam("mount", layer.digest()).queryParam("from", a).post("/v2/" + b + "/blobs/uploads/").then().statusCode(201);
    Pushed pa = pushManifest(a, "t", OCI_MANIFEST, body);
    Pushed pb = pushManifest(b, "t", OCI_MANIFEST, body);
    api().delete(manifest(a, pa.digest())).then().statusCode(202);
    api().get(manifest(a, "t")).then().statusCode(404);
    assertGet(b, "t", pb);
  }

  @Test
  void deleteByTag_202RemovesOnlyThatTag() {
    String repo = repo("manifest");
    byte[] body = bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo)));
    String digest = sha256(body);
    api().contentType(OCI_MANIFEST).body(body).queryParam("tag", "keep").queryParam("tag", "drop")
        .put(manifest(repo, digest)).then().statusCode(201);
    api().delete(manifest(repo, "drop")).then().statusCode(202);
    assertError(api().get(manifest(repo, "drop")), 404, "MANIFEST_UNKNOWN");
    Pushed p = new Pushed(OCI_MANIFEST, digest, body);
    assertGet(repo, digest, p);
    assertGet(repo, "keep", p);
    api().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", contains("keep"));
  }

  @Test
  void deleteUnknown_404ManifestUnknown() {
    String repo = repo("manifest");
    pushImage(repo, "known");
    assertError(api().delete(manifest(repo, "unknown")), 404, "MANIFEST_UNKNOWN");
    assertError(api().delete(manifest(repo, sha256(randomBytes(8)))), 404, "MANIFEST_UNKNOWN");
  }

  @Test
  void deleteThenPushAgain_201() {
    String repo = repo("manifest");
    Pushed p = pushImage(repo, "again");
    api().delete(manifest(repo, p.digest())).then().statusCode(202);
    pushManifest(repo, "again", p.mediaType(), p.bytes());
    assertGet(repo, "again", p);
  }
}
