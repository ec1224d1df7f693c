package dev.berth.api;

import static dev.berth.api.ApiTestSupport.OCTET_STREAM;
import static dev.berth.api.ApiTestSupport.api;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.restassured.response.Response;

/** The upload requests of the upload API tests, written once. */
final class UploadRequests {
  private UploadRequests() {}

  static String uploads(String repo) {
    return "/v2/" + repo + "/blobs/uploads/";
  }

  static Response patch(String location, byte[] chunk) {
    return api().contentType(OCTET_STREAM).body(chunk).patch(location);
  }

  static Response patch(String location, byte[] chunk, String contentRange) {
    return api().contentType(OCTET_STREAM).header("Content-Range", contentRange).body(chunk).patch(location);
  }

  static Response put(String location, String digest) {
    return api().queryParam("digest", digest).put(location);
  }

  static Response put(String location, String digest, byte[] chunk) {
    return api().contentType(OCTET_STREAM).queryParam("digest", digest).body(chunk).put(location);
  }

  static void assertBlob(String repo, String digest, byte[] content) {
    Response r = api().get("/v2/" + repo + "/blobs/" + digest);
    r.then().statusCode(200).header("Docker-Content-Digest", digest)
        .header("Content-Length", String.valueOf(content.length));
    assertArrayEquals(content, r.asByteArray());
  }

  static void assertNoBlob(String repo, String digest) {
    api().head("/v2/" + repo + "/blobs/" + digest).then().statusCode(404);
  }
}
