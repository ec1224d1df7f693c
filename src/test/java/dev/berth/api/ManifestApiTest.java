package dev.berth.api;

import static dev.berth.api.ApiTestSupport.DOCKER_CONFIG;
import static dev.berth.api.ApiTestSupport.DOCKER_LAYER;
import static dev.berth.api.ApiTestSupport.DOCKER_LIST;
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
import static dev.berth.api.ApiTestSupport.sha512;
import static dev.berth.api.ManifestRequests.assertGet;
import static dev.berth.api.ManifestRequests.assertHead;
import static dev.berth.api.ManifestRequests.manifest;
import static dev.berth.api.ManifestRequests.oddlyFormatted;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
