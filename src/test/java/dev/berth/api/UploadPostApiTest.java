package dev.berth.api;

import static dev.berth.api.ApiTestSupport.EMPTY_SHA256;
import static dev.berth.api.ApiTestSupport.OCTET_STREAM;
import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.assertError;
import static dev.berth.api.ApiTestSupport.pushBlob;
import static dev.berth.api.ApiTestSupport.randomBytes;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;
import static dev.berth.api.ApiTestSupport.sha512;
import static dev.berth.api.ApiTestSupport.slice;
import static dev.berth.api.ApiTestSupport.startUpload;
import static dev.berth.api.UploadRequests.assertBlob;
import static dev.berth.api.UploadRequests.assertNoBlob;
import static dev.berth.api.UploadRequests.patch;
import static dev.berth.api.UploadRequests.put;
import static dev.berth.api.UploadRequests.uploads;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.Digest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/** Uploads without a session: monolithic {@code POST ?digest=}, cross-repository mounts, and the digest algorithms a session takes. */
@QuarkusTest
class UploadPostApiTest {
  // --- monolithic ---

  @Test
  void postWithDigest_monolithic201() {
    String repo = repo("upload");
    byte[] content = randomBytes(4000);
    String digest = sha256(content);
    api().contentType(OCTET_STREAM).queryParam("digest", digest).body(content).post(uploads(repo)).then()
        .statusCode(201)
        .header("Location", "/v2/" + repo + "/blobs/" + digest)
        .header("Docker-Content-Digest", digest);
    assertBlob(repo, digest, content);
  }

  @Test
  void postWithDigest_mismatch400DigestInvalidNothingStored() {
    String repo = repo("upload");
    byte[] content = randomBytes(100);
    String claimed = sha256(randomBytes(100));
    assertError(api().contentType(OCTET_STREAM).queryParam("digest", claimed).body(content).post(uploads(repo)),
        400, "DIGEST_INVALID");
    assertNoBlob(repo, claimed);
    assertNoBlob(repo, sha256(content));
  }

  @Test
  void postWithDigest_emptyBlob201() {
    String repo = repo("upload");
    api().contentType(OCTET_STREAM).queryParam("digest", EMPTY_SHA256).body(new byte[0]).post(uploads(repo)).then()
        .statusCode(201)
        .header("Docker-Content-Digest", EMPTY_SHA256);
    assertBlob(repo, EMPTY_SHA256, new byte[0]);
  }

  @Test
  void postWithDigest_sha512Blob201() {
    String repo = repo("upload");
    byte[] content = randomBytes(100);
    String digest = sha512(content);
    api().contentType(OCTET_STREAM).queryParam("digest", digest).body(content).post(uploads(repo)).then()
        .statusCode(201)
        .header("Location", "/v2/" + repo + "/blobs/" + digest)
        .header("Docker-Content-Digest", digest);
    assertBlob(repo, digest, content);
  }

  @Test
  void postWithDigest_blobAlreadyStoredElsewhere201() {
    String a = repo("upload");
    String b = repo("upload");
    byte[] content = randomBytes(100);
    pushBlob(a, content);
    assertEquals(sha256(content), pushBlob(b, content));
    assertBlob(b, sha256(content), content);
    assertBlob(a, sha256(content), content);
  }

  @Test
  void postWithDigest_invalidDigest400() {
    String repo = repo("upload");
    assertError(api().contentType(OCTET_STREAM).queryParam("digest", "sha256:totallywrong").body(new byte[] {1})
        .post(uploads(repo)), 400, "DIGEST_INVALID");
    assertError(api().contentType(OCTET_STREAM).queryParam("digest", "md5:d41d8cd98f00b204e9800998ecf8427e")
        .body(new byte[] {1}).post(uploads(repo)), 400, "DIGEST_INVALID");
  }

  // --- mount ---

  @Test
  void postMount_fromRepositoryThatHasTheBlob_201() {
    String from = repo("upload");
    String to = repo("upload");
    byte[] content = randomBytes(100);
    String digest = pushBlob(from, content);
    api().queryParam("mount", digest).queryParam("from", from).post(uploads(to)).then()
        .statusCode(201)
        .header("Location", "/v2/" + to + "/blobs/" + digest)
        .header("Docker-Content-Digest", digest);
    assertBlob(to, digest, content);
  }

  @Test
  void postMount_fromRepositoryWithoutTheBlob_202NewSession() {
    String from = repo("upload");
    String to = repo("upload");
    byte[] content = randomBytes(100);
    String digest = sha256(content);
    pushBlob(from, randomBytes(10)); // the source repository exists, but not with this blob
    Response r = api().queryParam("mount", digest).queryParam("from", from).post(uploads(to));
    r.then()
        .statusCode(202)
        .header("Location", matchesPattern("/v2/" + to + "/blobs/uploads/[0-9a-f-]{36}"))
        .header("Range", "0-0");
    assertNoBlob(to, digest);
    // the session is a normal one
    String location = r.header("Location");
    put(location, digest, content).then().statusCode(201);
    assertBlob(to, digest, content);
  }

  @Test
  void postMount_blobOnlyVisibleInAThirdRepository_202() {
    String owner = repo("upload");
    String from = repo("upload");
    String to = repo("upload");
    String digest = pushBlob(owner, randomBytes(100));
    pushBlob(from, randomBytes(10));
    api().queryParam("mount", digest).queryParam("from", from).post(uploads(to)).then().statusCode(202);
    assertNoBlob(to, digest);
  }

  @Test
  void postMount_withoutFrom_202NewSession() {
    String owner = repo("upload");
    String to = repo("upload");
    String digest = pushBlob(owner, randomBytes(100));
    api().queryParam("mount", digest).post(uploads(to)).then()
        .statusCode(202)
        .header("Location", matchesPattern("/v2/" + to + "/blobs/uploads/[0-9a-f-]{36}"));
    assertNoBlob(to, digest);
  }

  @Test
  void postMount_invalidDigest400() {
    assertError(api().queryParam("mount", "sha256:totallywrong").queryParam("from", repo("upload"))
        .post(uploads(repo("upload"))), 400, "DIGEST_INVALID");
  }

  // --- sha512 ---

  @Test
  void sha512Session_putWithSha512Digest_201() {
    String repo = repo("upload");
    byte[] content = randomBytes(500);
    Response start = api().queryParam("digest-algorithm", "sha512").post(uploads(repo));
    start.then().statusCode(202);
    String location = start.header("Location");
    patch(location, slice(content, 0, 200)).then().statusCode(202);
    String digest = sha512(content);
    put(location, digest, slice(content, 200, 500)).then()
        .statusCode(201)
        .header("Location", "/v2/" + repo + "/blobs/" + digest)
        .header("Docker-Content-Digest", digest);
    assertBlob(repo, digest, content);
  }

  @Test
  void sha512Session_putWithSha256Digest_201() {
    String repo = repo("upload");
    byte[] content = randomBytes(500);
    String location = api().queryParam("digest-algorithm", "sha512").post(uploads(repo))
        .then().statusCode(202).extract().header("Location");
    patch(location, content).then().statusCode(202);
    put(location, sha256(content)).then().statusCode(201).header("Docker-Content-Digest", sha256(content));
    assertBlob(repo, sha256(content), content);
  }

  @Test
  void defaultSession_putWithSha512Digest_201() {
    String repo = repo("upload");
    byte[] content = randomBytes(500);
    String location = startUpload(repo);
    patch(location, content).then().statusCode(202);
    put(location, sha512(content)).then().statusCode(201).header("Docker-Content-Digest", sha512(content));
    assertBlob(repo, sha512(content), content);
  }

  @Test
  void postUploads_unknownDigestAlgorithm_400() {
    assertError(api().queryParam("digest-algorithm", "md5").post(uploads(repo("upload"))), 400, "DIGEST_INVALID");
  }
}
