package dev.berth.api;

import static dev.berth.api.ApiTestSupport.OCTET_STREAM;
import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.assertError;
import static dev.berth.api.ApiTestSupport.concat;
import static dev.berth.api.ApiTestSupport.pushBlob;
import static dev.berth.api.ApiTestSupport.pushImage;
import static dev.berth.api.ApiTestSupport.randomBytes;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;
import static dev.berth.api.ApiTestSupport.slice;
import static dev.berth.api.ApiTestSupport.startUpload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.ApiTestSupport.Pushed;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/**
 * The distribution spec's newest requirements (main, after v1.1.1), each on its own: digests and
 * lengths on every blob and manifest GET and HEAD, a Range that always counts the whole upload,
 * 416 for an out-of-order last chunk on the closing PUT, and OCI-Chunk-Min-Length on a new
 * upload.
 */
@QuarkusTest
class UploadRulesApiTest {

  private static Response patch(String location, String range, byte[] chunk) {
    var r = api().contentType(OCTET_STREAM).body(chunk);
    return (range == null ? r : r.header("Content-Range", range)).patch(location);
  }

  @Test
  void blobGetAndHead_carryDigestAndLength_whateverTheAnswer() {
    String repo = repo("rules");
    byte[] data = randomBytes(1000);
    String digest = pushBlob(repo, data);
    String url = "/v2/" + repo + "/blobs/" + digest;
    Response head = api().head(url);
    head.then().statusCode(200).header("Docker-Content-Digest", digest).header("Content-Length", "1000");
    api().get(url).then().statusCode(200).header("Docker-Content-Digest", digest).header("Content-Length", "1000");
    api().header("Range", "bytes=10-19").get(url).then().statusCode(206).header("Docker-Content-Digest", digest)
        .header("Content-Length", "10");
    api().header("If-None-Match", head.header("ETag")).get(url).then().statusCode(304).header("Docker-Content-Digest", digest);
  }

  @Test
  void manifestGetAndHead_carryDigestAndLength() {
    String repo = repo("rules");
    Pushed m = pushImage(repo, "v1");
    for (String ref : new String[] {"v1", m.digest()}) {
      String url = "/v2/" + repo + "/manifests/" + ref;
      Response head = api().head(url);
      head.then().statusCode(200).header("Docker-Content-Digest", m.digest()).header("Content-Length", String.valueOf(m.bytes().length));
      assertEquals("", head.asString(), "a HEAD has no body");
      api().get(url).then().statusCode(200).header("Docker-Content-Digest", m.digest())
          .header("Content-Length", String.valueOf(m.bytes().length));
      api().header("If-None-Match", head.header("ETag")).get(url).then().statusCode(304).header("Docker-Content-Digest", m.digest());
    }
  }

  @Test
  void uploadRange_alwaysCountsTheWholeBlobSoFar() {
    String repo = repo("rules");
    byte[] data = randomBytes(300);
    String location = startUpload(repo);
    api().get(location).then().statusCode(204).header("Range", "0-0");
    patch(location, "0-99", slice(data, 0, 100)).then().statusCode(202).header("Range", "0-99");
    patch(location, "100-149", slice(data, 100, 150)).then().statusCode(202).header("Range", "0-149");
    // A streamed PATCH (no Content-Range) continues the count, never restarts it.
    patch(location, null, slice(data, 150, 200)).then().statusCode(202).header("Range", "0-199");
    api().get(location).then().statusCode(204).header("Range", "0-199").header("Location", location);
    patch(location, "150-249", slice(data, 150, 250)).then().statusCode(416).header("Range", "0-199").header("Location", location);
    patch(location, "200-299", slice(data, 200, 300)).then().statusCode(202).header("Range", "0-299");
    api().queryParam("digest", sha256(data)).put(location).then().statusCode(201);
  }

  @Test
  void closingPut_withOutOfOrderLastChunk_416_andTheSessionGoesOn() {
    String repo = repo("rules");
    byte[] data = randomBytes(30);
    String location = startUpload(repo);
    patch(location, "0-9", slice(data, 0, 10)).then().statusCode(202);
    for (String wrong : new String[] {"20-29", "5-24", "0-19"}) {
      api().contentType(OCTET_STREAM).header("Content-Range", wrong).queryParam("digest", sha256(data)).body(slice(data, 10, 30))
          .put(location).then().statusCode(416).header("Range", "0-9").header("Location", location);
    }
    api().get(location).then().statusCode(204).header("Range", "0-9");
    api().contentType(OCTET_STREAM).header("Content-Range", "10-29").queryParam("digest", sha256(data)).body(slice(data, 10, 30))
        .put(location).then().statusCode(201).header("Docker-Content-Digest", sha256(data));
    assertArrayEquals(data, api().get("/v2/" + repo + "/blobs/" + sha256(data)).asByteArray());
  }

  @Test
  void newUpload_announcesChunkMinLength() {
    String repo = repo("rules");
    api().post("/v2/" + repo + "/blobs/uploads/").then().statusCode(202).header("OCI-Chunk-Min-Length", "4194304");
    // A mount that can't be done starts a session too.
    api().queryParam("mount", sha256(randomBytes(5))).queryParam("from", repo("rules")).post("/v2/" + repo + "/blobs/uploads/")
        .then().statusCode(202).header("OCI-Chunk-Min-Length", "4194304");
  }

  @Test
  void chunksSmallerThanTheAnnouncedMinimum_stillTaken() {
    String repo = repo("rules");
    byte[] a = randomBytes(3);
    byte[] b = randomBytes(4);
    String location = startUpload(repo);
    patch(location, "0-2", a).then().statusCode(202);
    patch(location, "3-6", b).then().statusCode(202);
    api().queryParam("digest", sha256(concat(a, b))).put(location).then().statusCode(201);
    assertError(api().get(location), 404, "BLOB_UPLOAD_UNKNOWN");
    assertTrue(api().head("/v2/" + repo + "/blobs/" + sha256(concat(a, b))).statusCode() == 200);
  }
}
