package dev.berth.api;

import static dev.berth.api.ApiTestSupport.EMPTY_SHA256;
import static dev.berth.api.ApiTestSupport.OCTET_STREAM;
import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.assertError;
import static dev.berth.api.ApiTestSupport.concat;
import static dev.berth.api.ApiTestSupport.randomBytes;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;
import static dev.berth.api.ApiTestSupport.slice;
import static dev.berth.api.ApiTestSupport.startUpload;
import static dev.berth.api.ApiTestSupport.uploadUuid;
import static dev.berth.api.UploadRequests.assertBlob;
import static dev.berth.api.UploadRequests.assertNoBlob;
import static dev.berth.api.UploadRequests.patch;
import static dev.berth.api.UploadRequests.put;
import static dev.berth.api.UploadRequests.uploads;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.berth.registry.Digest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/** Blob upload sessions: start, PATCH (streamed and chunked), status, PUT, cancel. */
@QuarkusTest
class UploadApiTest {
  // --- starting a session ---

  @Test
  void postUploads_202WithLocationUuidAndRange() {
    String repo = repo("upload");
    Response r = api().post(uploads(repo));
    r.then()
        .statusCode(202)
        .header("Location", matchesPattern("/v2/" + repo + "/blobs/uploads/[0-9a-f-]{36}"))
        .header("Range", "0-0")
        .header("Content-Length", "0");
    assertEquals(uploadUuid(r.header("Location")), r.header("Docker-Upload-UUID"));
  }

  @Test
  void postUploads_eachSessionHasItsOwnUuid() {
    String repo = repo("upload");
    assertNotEquals(startUpload(repo), startUpload(repo));
  }

  @Test
  void postUploads_nestedRepositoryName() {
    String repo = repo("upload") + "/team/app";
    String location = startUpload(repo);
    byte[] content = randomBytes(100);
    patch(location, content).then().statusCode(202);
    put(location, sha256(content)).then().statusCode(201)
        .header("Location", "/v2/" + repo + "/blobs/" + sha256(content));
    assertBlob(repo, sha256(content), content);
  }

  // --- PATCH ---

  @Test
  void patchStreamed_202ThenPutWithoutBody_201() {
    String repo = repo("upload");
    byte[] a = randomBytes(1000);
    byte[] b = randomBytes(500);
    String location = startUpload(repo);
    String uuid = uploadUuid(location);
    patch(location, a).then()
        .statusCode(202)
        .header("Location", location)
        .header("Docker-Upload-UUID", uuid)
        .header("Range", "0-999")
        .header("Content-Length", "0");
    patch(location, b).then().statusCode(202).header("Range", "0-1499");
    String digest = sha256(concat(a, b));
    put(location, digest).then()
        .statusCode(201)
        .header("Location", "/v2/" + repo + "/blobs/" + digest)
        .header("Docker-Content-Digest", digest);
    assertBlob(repo, digest, concat(a, b));
  }

  @Test
  void patchChunked_inOrder_thenPutWithFinalChunk_201() {
    String repo = repo("upload");
    byte[] content = randomBytes(30);
    String location = startUpload(repo);
    patch(location, slice(content, 0, 10), "0-9").then().statusCode(202).header("Range", "0-9");
    patch(location, slice(content, 10, 20), "10-19").then().statusCode(202).header("Range", "0-19");
    String digest = sha256(content);
    api().contentType(OCTET_STREAM).header("Content-Range", "20-29").queryParam("digest", digest)
        .body(slice(content, 20, 30)).put(location).then()
        .statusCode(201)
        .header("Location", "/v2/" + repo + "/blobs/" + digest)
        .header("Docker-Content-Digest", digest);
    assertBlob(repo, digest, content);
  }

  @Test
  void patchChunked_outOfOrder_416WithCurrentRange() {
    String repo = repo("upload");
    byte[] content = randomBytes(30);
    String location = startUpload(repo);
    patch(location, slice(content, 0, 10), "0-9").then().statusCode(202);
    Response r = patch(location, slice(content, 20, 30), "20-29");
    r.then()
        .statusCode(416)
        .header("Range", "0-9")
        .header("Location", location);
    assertError(r, 416, "BLOB_UPLOAD_INVALID");
    // nothing was appended: the session continues where it was
    api().get(location).then().statusCode(204).header("Range", "0-9");
    patch(location, slice(content, 10, 30), "10-29").then().statusCode(202).header("Range", "0-29");
    put(location, sha256(content)).then().statusCode(201);
    assertBlob(repo, sha256(content), content);
  }

  @Test
  void patchChunked_overlapping_416WithCurrentRange() {
    String repo = repo("upload");
    byte[] content = randomBytes(20);
    String location = startUpload(repo);
    patch(location, slice(content, 0, 10), "0-9").then().statusCode(202);
    Response r = patch(location, slice(content, 5, 15), "5-14");
    r.then().statusCode(416).header("Range", "0-9").header("Location", location);
    // the same chunk again overlaps too
    patch(location, slice(content, 0, 10), "0-9").then().statusCode(416).header("Range", "0-9");
    api().get(location).then().statusCode(204).header("Range", "0-9");
  }

  @Test
  void patchChunked_firstChunkNotAtZero_416() {
    String location = startUpload(repo("upload"));
    patch(location, randomBytes(10), "10-19").then().statusCode(416).header("Range", "0-0").header("Location", location);
  }

  @Test
  void patchChunked_contentRangeLengthDiffersFromBody_400() {
    String location = startUpload(repo("upload"));
    assertError(patch(location, randomBytes(5), "0-9"), 400, "SIZE_INVALID");
    api().get(location).then().statusCode(204).header("Range", "0-0");
  }

  @Test
  void patchChunked_malformedContentRange_416() {
    String location = startUpload(repo("upload"));
    assertError(patch(location, randomBytes(5), "five-ten"), 416, "BLOB_UPLOAD_INVALID");
    assertError(patch(location, randomBytes(5), "9-5"), 416, "BLOB_UPLOAD_INVALID");
  }

  @Test
  void patchChunked_bytesPrefixedContentRange_accepted() {
    String location = startUpload(repo("upload"));
    patch(location, randomBytes(5), "bytes 0-4").then().statusCode(202).header("Range", "0-4");
    patch(location, randomBytes(5), "bytes=5-9/*").then().statusCode(202).header("Range", "0-9");
  }

  @Test
  void patchStreamed_largeBody() {
    String repo = repo("upload");
    byte[] a = randomBytes((3 << 20) + 17);
    byte[] b = randomBytes((2 << 20) + 5);
    String location = startUpload(repo);
    patch(location, a).then().statusCode(202).header("Range", "0-" + (a.length - 1));
    String digest = sha256(concat(a, b));
    put(location, digest, b).then().statusCode(201);
    assertBlob(repo, digest, concat(a, b));
  }

  // --- status ---

  @Test
  void getSession_204WithRangeAndLocation() {
    String repo = repo("upload");
    String location = startUpload(repo);
    api().get(location).then()
        .statusCode(204)
        .header("Range", "0-0")
        .header("Location", location)
        .header("Docker-Upload-UUID", uploadUuid(location));
    patch(location, randomBytes(42)).then().statusCode(202);
    api().get(location).then()
        .statusCode(204)
        .header("Range", "0-41")
        .header("Location", location);
  }

  // --- PUT ---

  @Test
  void putWithWholeBody_noPatch_201() {
    String repo = repo("upload");
    byte[] content = randomBytes(1234);
    String location = startUpload(repo);
    String digest = sha256(content);
    put(location, digest, content).then()
        .statusCode(201)
        .header("Location", "/v2/" + repo + "/blobs/" + digest)
        .header("Docker-Content-Digest", digest);
    assertBlob(repo, digest, content);
  }

  @Test
  void put_endsTheSession() {
    String repo = repo("upload");
    byte[] content = randomBytes(10);
    String location = startUpload(repo);
    put(location, sha256(content), content).then().statusCode(201);
    assertError(api().get(location), 404, "BLOB_UPLOAD_UNKNOWN");
    assertError(put(location, sha256(content), content), 404, "BLOB_UPLOAD_UNKNOWN");
  }

  @Test
  void put_digestMismatch_400DigestInvalidNothingStored() {
    String repo = repo("upload");
    byte[] content = randomBytes(100);
    String claimed = sha256(randomBytes(100));
    String location = startUpload(repo);
    patch(location, content).then().statusCode(202);
    assertError(put(location, claimed), 400, "DIGEST_INVALID");
    assertNoBlob(repo, claimed);
    assertNoBlob(repo, sha256(content));
    assertError(api().get(location), 404, "BLOB_UPLOAD_UNKNOWN");
  }

  @Test
  void put_digestMismatchWithFinalChunk_400NothingStored() {
    String repo = repo("upload");
    byte[] content = randomBytes(100);
    String claimed = sha256(randomBytes(100));
    String location = startUpload(repo);
    assertError(put(location, claimed, content), 400, "DIGEST_INVALID");
    assertNoBlob(repo, claimed);
    assertNoBlob(repo, sha256(content));
  }

  @Test
  void put_withoutDigest_400() {
    String location = startUpload(repo("upload"));
    assertError(api().put(location), 400, "DIGEST_INVALID");
  }

  @Test
  void put_invalidDigest_400() {
    String location = startUpload(repo("upload"));
    assertError(put(location, "sha256:totallywrong"), 400, "DIGEST_INVALID");
    assertError(put(location, "md5:d41d8cd98f00b204e9800998ecf8427e"), 400, "DIGEST_INVALID");
  }

  @Test
  void put_emptyBlobViaSession_201() {
    String repo = repo("upload");
    String location = startUpload(repo);
    put(location, EMPTY_SHA256).then().statusCode(201).header("Docker-Content-Digest", EMPTY_SHA256);
    assertBlob(repo, EMPTY_SHA256, new byte[0]);
  }

  @Test
  void put_emptyBlobAfterEmptyPatch_201() {
    String repo = repo("upload");
    String location = startUpload(repo);
    patch(location, new byte[0]).then().statusCode(202).header("Range", "0-0");
    put(location, EMPTY_SHA256, new byte[0]).then().statusCode(201);
    assertBlob(repo, EMPTY_SHA256, new byte[0]);
  }

  @Test
  void put_sameBlobTwice_201Both() {
    String repo = repo("upload");
    byte[] content = randomBytes(100);
    for (int i = 0; i < 2; i++) {
      String location = startUpload(repo);
      patch(location, content).then().statusCode(202);
      put(location, sha256(content)).then().statusCode(201);
    }
    assertBlob(repo, sha256(content), content);
  }

  // --- cancel ---

  @Test
  void deleteSession_204AndSessionGone() {
    String repo = repo("upload");
    byte[] content = randomBytes(100);
    String location = startUpload(repo);
    patch(location, content).then().statusCode(202);
    api().delete(location).then().statusCode(204);
    assertError(api().get(location), 404, "BLOB_UPLOAD_UNKNOWN");
    assertError(patch(location, content), 404, "BLOB_UPLOAD_UNKNOWN");
    assertError(put(location, sha256(content)), 404, "BLOB_UPLOAD_UNKNOWN");
    assertError(api().delete(location), 404, "BLOB_UPLOAD_UNKNOWN");
    assertNoBlob(repo, sha256(content));
  }

  // --- unknown sessions ---

  @Test
  void unknownUuid_404BlobUploadUnknown() {
    String repo = repo("upload");
    for (String uuid : new String[] {"6a1b2c3d-0000-4000-8000-000000000000", "not-a-uuid", "ZZZ", "6A1B2C3D-0000-4000-8000-000000000000"}) {
      String location = uploads(repo) + uuid;
      assertError(api().get(location), 404, "BLOB_UPLOAD_UNKNOWN");
      assertError(patch(location, new byte[] {1}), 404, "BLOB_UPLOAD_UNKNOWN");
      assertError(put(location, sha256(new byte[] {1}), new byte[] {1}), 404, "BLOB_UPLOAD_UNKNOWN");
      assertError(api().delete(location), 404, "BLOB_UPLOAD_UNKNOWN");
    }
  }

  @Test
  void sessionOfAnotherRepository_404BlobUploadUnknown() {
    String owner = repo("upload");
    String other = repo("upload");
    byte[] content = randomBytes(100);
    String location = startUpload(owner);
    patch(location, slice(content, 0, 50)).then().statusCode(202);
    String foreign = uploads(other) + uploadUuid(location);
    assertError(api().get(foreign), 404, "BLOB_UPLOAD_UNKNOWN");
    assertError(patch(foreign, slice(content, 50, 100)), 404, "BLOB_UPLOAD_UNKNOWN");
    assertError(put(foreign, sha256(content), slice(content, 50, 100)), 404, "BLOB_UPLOAD_UNKNOWN");
    assertError(api().delete(foreign), 404, "BLOB_UPLOAD_UNKNOWN");
    assertNoBlob(other, sha256(content));
    // the owner's session is untouched
    api().get(location).then().statusCode(204).header("Range", "0-49");
    put(location, sha256(content), slice(content, 50, 100)).then().statusCode(201);
    assertBlob(owner, sha256(content), content);
  }

  @Test
  void invalidRepositoryName_400NameInvalid() {
    String bad = "Upper/Case";
    assertError(api().post(uploads(bad)), 400, "NAME_INVALID");
    assertError(api().contentType(OCTET_STREAM).queryParam("digest", sha256(new byte[] {1})).body(new byte[] {1})
        .post(uploads(bad)), 400, "NAME_INVALID");
    String uuid = uploadUuid(startUpload(repo("upload")));
    assertError(patch(uploads(bad) + uuid, new byte[] {1}), 400, "NAME_INVALID");
    assertError(put(uploads(bad) + uuid, sha256(new byte[] {1})), 400, "NAME_INVALID");
    assertError(api().get(uploads(bad) + uuid), 400, "NAME_INVALID");
    assertError(api().delete(uploads(bad) + uuid), 400, "NAME_INVALID");
  }
}
