package dev.berth.api;

import static dev.berth.api.ApiTestSupport.OCI_MANIFEST;
import static dev.berth.api.ApiTestSupport.OCTET_STREAM;
import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.assertError;
import static dev.berth.api.ApiTestSupport.bytes;
import static dev.berth.api.ApiTestSupport.image;
import static dev.berth.api.ApiTestSupport.pushBlob;
import static dev.berth.api.ApiTestSupport.pushConfig;
import static dev.berth.api.ApiTestSupport.pushImage;
import static dev.berth.api.ApiTestSupport.pushLayer;
import static dev.berth.api.ApiTestSupport.randomBytes;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;
import static dev.berth.api.ApiTestSupport.startUpload;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The error format, and that bad input is a 4xx with that format on every endpoint: never a 500,
 * never a stack trace.
 */
@QuarkusTest
class ErrorApiTest {
  private static final List<String> INVALID_NAMES = List.of(
      "Uppercase", "library/Ubuntu", "a".repeat(256), "a".repeat(128) + "/" + "b".repeat(127), "a//b", "-a", "a..b", "a_-b");
  private static final List<String> INVALID_TAGS = List.of("-tag", ".tag", "t".repeat(129), "a+b", "a%20b");
  private static final List<String> INVALID_DIGESTS = List.of(
      "sha256:totallywrong",
      "sha256:" + "A".repeat(64),
      "sha256:" + "a".repeat(63),
      "sha512:" + "a".repeat(64),
      "md5:d41d8cd98f00b204e9800998ecf8427e",
      "sha384:" + "a".repeat(96),
      "SHA256:" + "a".repeat(64),
      "sha256:");

  /** Every response of these tests, checked for leaks at the end of each. */
  private final List<Response> responses = new ArrayList<>();

  private Response track(Response r) {
    responses.add(r);
    return r;
  }

  private void assertNoLeaks() {
    for (Response r : responses) {
      String body = r.asString();
      assertTrue(r.statusCode() < 500, "status " + r.statusCode() + ": " + body);
      assertFalse(body.contains("at dev.berth"), body);
      assertFalse(body.contains("Exception"), body);
      assertFalse(body.contains("java."), body);
      assertFalse(body.contains("\tat "), body);
    }
  }

  @Test
  void errorBody_codeMessageDetailAsJson() {
    String repo = repo("error");
    String digest = sha256(randomBytes(4));
    Response r = api().get("/v2/" + repo + "/blobs/" + digest);
    r.then().statusCode(404).contentType(startsWith("application/json"));
    JsonNode body = ApiTestSupport.parse(r.asByteArray());
    assertEquals(1, body.size(), "only an errors field");
    JsonNode errors = body.get("errors");
    assertTrue(errors.isArray());
    assertEquals(1, errors.size());
    JsonNode e = errors.get(0);
    assertEquals("BLOB_UNKNOWN", e.get("code").asText());
    assertTrue(e.get("message").isTextual() && !e.get("message").asText().isEmpty());
    assertTrue(e.has("detail"));
  }

  @Test
  void errorBody_onUploadRoutesToo() {
    // PATCH/PUT of a session and the monolithic POST are Vert.x routes with their own error writer.
    String location = startUpload(repo("error"));
    Response r = api().contentType(OCTET_STREAM).queryParam("digest", "sha256:totallywrong").body(new byte[] {1}).put(location);
    r.then().statusCode(400).contentType(startsWith("application/json"));
    JsonNode e = ApiTestSupport.parse(r.asByteArray()).get("errors").get(0);
    assertEquals("DIGEST_INVALID", e.get("code").asText());
    assertFalse(e.get("message").asText().isEmpty());
  }

  @Test
  void invalidRepositoryName_400NameInvalidOnEveryEndpoint() {
    byte[] manifest = "{}".getBytes(StandardCharsets.UTF_8);
    String digest = sha256(randomBytes(4));
    String uuid = "6a1b2c3d-0000-4000-8000-000000000000";
    List<Function<String, Response>> requests = List.of(
        n -> api().get("/v2/" + n + "/manifests/latest"),
        n -> api().get("/v2/" + n + "/manifests/" + digest),
        n -> api().contentType(OCI_MANIFEST).body(manifest).put("/v2/" + n + "/manifests/latest"),
        n -> api().delete("/v2/" + n + "/manifests/latest"),
        n -> api().get("/v2/" + n + "/blobs/" + digest),
        n -> api().delete("/v2/" + n + "/blobs/" + digest),
        n -> api().post("/v2/" + n + "/blobs/uploads/"),
        n -> api().contentType(OCTET_STREAM).queryParam("digest", digest).body(new byte[] {1}).post("/v2/" + n + "/blobs/uploads/"),
        n -> api().queryParam("mount", digest).queryParam("from", "ok").post("/v2/" + n + "/blobs/uploads/"),
        n -> api().get("/v2/" + n + "/blobs/uploads/" + uuid),
        n -> api().contentType(OCTET_STREAM).body(new byte[] {1}).patch("/v2/" + n + "/blobs/uploads/" + uuid),
        n -> api().queryParam("digest", digest).put("/v2/" + n + "/blobs/uploads/" + uuid),
        n -> api().delete("/v2/" + n + "/blobs/uploads/" + uuid),
        n -> api().get("/v2/" + n + "/tags/list"),
        n -> api().get("/v2/" + n + "/referrers/" + digest));
    for (String name : INVALID_NAMES) {
      for (int i = 0; i < requests.size(); i++) {
        Response r = track(requests.get(i).apply(name));
        assertEquals(400, r.statusCode(), "request " + i + " with " + name + ": " + r.asString());
        assertEquals("NAME_INVALID", r.jsonPath().getString("errors[0].code"), "request " + i + " with " + name);
      }
      track(api().head("/v2/" + name + "/manifests/latest")).then().statusCode(400);
      track(api().head("/v2/" + name + "/blobs/" + digest)).then().statusCode(400);
    }
    assertNoLeaks();
  }

  @Test
  void invalidMountSource_400NameInvalid() {
    String digest = sha256(randomBytes(4));
    assertError(track(api().queryParam("mount", digest).queryParam("from", "Bad//Name").post("/v2/" + repo("error") + "/blobs/uploads/")),
        400, "NAME_INVALID");
    assertNoLeaks();
  }

  @Test
  void invalidTag_pushIs400TagInvalid_readAndDeleteAre404ManifestUnknown() {
    String repo = repo("error");
    pushImage(repo, "good");
    byte[] body = bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo)));
    for (String tag : INVALID_TAGS) {
      assertError(track(api().contentType(OCI_MANIFEST).body(body).put("/v2/" + repo + "/manifests/" + tag)), 400, "TAG_INVALID");
      // The pull workflow asks for a manifest that does not exist: whatever the reference looks like, 404.
      assertError(track(api().get("/v2/" + repo + "/manifests/" + tag)), 404, "MANIFEST_UNKNOWN");
      assertError(track(api().delete("/v2/" + repo + "/manifests/" + tag)), 404, "MANIFEST_UNKNOWN");
      track(api().head("/v2/" + repo + "/manifests/" + tag)).then().statusCode(404);
    }
    assertNoLeaks();
  }

  @Test
  void invalidDigest_400DigestInvalidOnEveryEndpointButManifestReads() {
    String repo = repo("error");
    pushImage(repo, "good");
    String location = startUpload(repo);
    byte[] body = bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo)));
    for (String digest : INVALID_DIGESTS) {
      assertError(track(api().get("/v2/" + repo + "/manifests/" + digest)), 404, "MANIFEST_UNKNOWN");
      assertError(track(api().delete("/v2/" + repo + "/manifests/" + digest)), 404, "MANIFEST_UNKNOWN");
      track(api().head("/v2/" + repo + "/manifests/" + digest)).then().statusCode(404);
      List<Response> rs = List.of(
          api().contentType(OCI_MANIFEST).body(body).put("/v2/" + repo + "/manifests/" + digest),
          api().get("/v2/" + repo + "/blobs/" + digest),
          api().delete("/v2/" + repo + "/blobs/" + digest),
          api().get("/v2/" + repo + "/referrers/" + digest),
          api().contentType(OCTET_STREAM).queryParam("digest", digest).body(new byte[] {1}).post("/v2/" + repo + "/blobs/uploads/"),
          api().queryParam("mount", digest).queryParam("from", repo).post("/v2/" + repo + "/blobs/uploads/"),
          api().contentType(OCTET_STREAM).queryParam("digest", digest).body(new byte[] {1}).put(location));
      for (int i = 0; i < rs.size(); i++) {
        Response r = track(rs.get(i));
        assertEquals(400, r.statusCode(), "request " + i + " with " + digest + ": " + r.asString());
        assertEquals("DIGEST_INVALID", r.jsonPath().getString("errors[0].code"), "request " + i + " with " + digest);
      }
      track(api().head("/v2/" + repo + "/blobs/" + digest)).then().statusCode(400);
      // the upload session survives a bad digest on PUT (it was never verified)
    }
    assertNoLeaks();
  }

  @Test
  void badRanges_4xxNeverServerError() {
    String repo = repo("error");
    String digest = pushBlob(repo, randomBytes(100));
    for (String range : List.of("bytes=100-", "bytes=200-300", "bytes=9-3", "bytes=-0", "bytes=9999999999999999999-")) {
      Response r = track(api().header("Range", range).get("/v2/" + repo + "/blobs/" + digest));
      assertEquals(416, r.statusCode(), range);
      assertEquals("bytes */100", r.header("Content-Range"), range);
    }
    for (String range : List.of("bytes=x-y", "bytes=", "bytes=--1", "lines=1-2")) {
      track(api().header("Range", range).get("/v2/" + repo + "/blobs/" + digest)).then().statusCode(200);
    }
    String location = startUpload(repo);
    for (String contentRange : List.of("x", "1-0", "-1", "0-", "0-99999999999999999999", "9999999999999999999-9999999999999999999")) {
      Response r = track(api().contentType(OCTET_STREAM).header("Content-Range", contentRange).body(new byte[] {1}).patch(location));
      assertTrue(r.statusCode() == 416 || r.statusCode() == 400, contentRange + ": " + r.statusCode());
      assertEquals("BLOB_UPLOAD_INVALID", r.jsonPath().getString("errors[0].code"), contentRange);
    }
    api().get(location).then().statusCode(204).header("Range", "0-0");
    assertNoLeaks();
  }

  @Test
  void badManifests_4xxNeverServerError() {
    String repo = repo("error");
    String d = sha256(randomBytes(4));
    List<String> bodies = List.of(
        "", "null", "{", "[1,2]", "{\"schemaVersion\":2}",
        "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\"}",
        "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":null,\"layers\":null}",
        "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":1,\"digest\":[],\"size\":{}},\"layers\":[]}",
        "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":\"x\",\"digest\":\"" + d + "\",\"size\":1e400},\"layers\":[]}",
        "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":\"x\",\"digest\":\"" + d + "\",\"size\":1},\"layers\":[null]}",
        "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":\"x\",\"digest\":\"" + d + "\",\"size\":1},\"layers\":[],\"subject\":[]}",
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{}]}",
        "{\"schemaVersion\":2,\"mediaType\":{}}",
        "{\"schemaVersion\":2.0}",
        "{\"schemaVersion\":99999999999999999999999}");
    for (String body : bodies) {
      for (String contentType : new String[] {OCI_MANIFEST, "application/json", "text/plain"}) {
        Response r = track(api().contentType(contentType).body(body.getBytes(StandardCharsets.UTF_8)).put("/v2/" + repo + "/manifests/t"));
        assertEquals(400, r.statusCode(), body + " as " + contentType + ": " + r.asString());
        assertEquals("MANIFEST_INVALID", r.jsonPath().getString("errors[0].code"), body);
      }
    }
    track(api().body(new byte[] {1, 2, 3}).noContentType().put("/v2/" + repo + "/manifests/t")).then().statusCode(400);
    assertNoLeaks();
  }

  @Test
  void unsupportedMethod_405JsonError() {
    String repo = repo("error");
    pushImage(repo, "t");
    Response r = track(api().post("/v2/" + repo + "/manifests/t"));
    assertError(r, 405, "UNSUPPORTED");
    Response r2 = track(api().contentType(OCTET_STREAM).body(new byte[] {1}).put("/v2/" + repo + "/blobs/" + sha256(randomBytes(3))));
    assertTrue(r2.statusCode() == 405 || r2.statusCode() == 404, "PUT on a blob: " + r2.statusCode());
    r2.then().contentType(startsWith("application/json"));
    assertNoLeaks();
  }

  @Test
  void longInput_detailIsClipped() {
    String name = "A".repeat(1000);
    Response r = track(api().get("/v2/" + name + "/tags/list"));
    assertError(r, 400, "NAME_INVALID");
    assertTrue(r.jsonPath().getString("errors[0].detail").length() < 200, r.asString());
    assertNoLeaks();
  }

}
