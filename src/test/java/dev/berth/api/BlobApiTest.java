package dev.berth.api;

import static dev.berth.api.ApiTestSupport.API_VERSION;
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
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.Digest;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.StorageLayout;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GET/HEAD/DELETE /v2/<name>/blobs/<digest>}. */
@QuarkusTest
class BlobApiTest {

  private static String blob(String repo, String digest) {
    return "/v2/" + repo + "/blobs/" + digest;
  }

  @Test
  void getBlob_200BytesAndHeaders() {
    String repo = repo("blob");
    byte[] content = randomBytes(1000);
    String digest = pushBlob(repo, content);
    Response r = api().get(blob(repo, digest));
    r.then()
        .statusCode(200)
        .header("Content-Length", "1000")
        .header("Docker-Content-Digest", digest)
        .header("ETag", "\"" + digest + "\"")
        .header("Accept-Ranges", "bytes")
        .header("Content-Type", OCTET_STREAM)
        .header(API_VERSION, "registry/2.0");
    assertArrayEquals(content, r.asByteArray());
  }

  @Test
  void headBlob_200HeadersWithoutBody() {
    String repo = repo("blob");
    byte[] content = randomBytes(777);
    String digest = pushBlob(repo, content);
    Response r = api().head(blob(repo, digest));
    r.then()
        .statusCode(200)
        .header("Content-Length", "777")
        .header("Docker-Content-Digest", digest)
        .header("ETag", "\"" + digest + "\"")
        .header("Accept-Ranges", "bytes");
    assertEquals(0, r.asByteArray().length);
  }

  @Test
  void getBlob_ifNoneMatchCurrentEtag_304() {
    String repo = repo("blob");
    String digest = pushBlob(repo, randomBytes(10));
    api().header("If-None-Match", "\"" + digest + "\"").get(blob(repo, digest)).then()
        .statusCode(304)
        .header("Docker-Content-Digest", digest);
  }

  @Test
  void getBlob_range_206WithContentRange() {
    String repo = repo("blob");
    byte[] content = randomBytes(1000);
    String digest = pushBlob(repo, content);
    Response r = api().header("Range", "bytes=10-19").get(blob(repo, digest));
    r.then()
        .statusCode(206)
        .header("Content-Range", "bytes 10-19/1000")
        .header("Content-Length", "10")
        .header("Docker-Content-Digest", digest)
        .header("Accept-Ranges", "bytes");
    assertArrayEquals(slice(content, 10, 20), r.asByteArray());
  }

  @Test
  void getBlob_openEndedRange_206ToTheEnd() {
    String repo = repo("blob");
    byte[] content = randomBytes(100);
    String digest = pushBlob(repo, content);
    Response r = api().header("Range", "bytes=90-").get(blob(repo, digest));
    r.then().statusCode(206).header("Content-Range", "bytes 90-99/100").header("Content-Length", "10");
    assertArrayEquals(slice(content, 90, 100), r.asByteArray());
  }

  @Test
  void getBlob_suffixRange_206LastBytes() {
    String repo = repo("blob");
    byte[] content = randomBytes(100);
    String digest = pushBlob(repo, content);
    Response r = api().header("Range", "bytes=-5").get(blob(repo, digest));
    r.then().statusCode(206).header("Content-Range", "bytes 95-99/100");
    assertArrayEquals(slice(content, 95, 100), r.asByteArray());
  }

  @Test
  void getBlob_rangePastTheEnd_isClamped() {
    String repo = repo("blob");
    byte[] content = randomBytes(100);
    String digest = pushBlob(repo, content);
    Response r = api().header("Range", "bytes=50-1000").get(blob(repo, digest));
    r.then().statusCode(206).header("Content-Range", "bytes 50-99/100");
    assertArrayEquals(slice(content, 50, 100), r.asByteArray());
  }

  @Test
  void getBlob_unsatisfiableRange_416() {
    String repo = repo("blob");
    String digest = pushBlob(repo, randomBytes(100));
    Response r = api().header("Range", "bytes=100-").get(blob(repo, digest));
    r.then().statusCode(416).header("Content-Range", "bytes */100");
    assertError(r, 416, "SIZE_INVALID");
    api().header("Range", "bytes=50-10").get(blob(repo, digest)).then().statusCode(416);
  }

  @Test
  void getBlob_malformedRange_200WholeBlob() {
    String repo = repo("blob");
    byte[] content = randomBytes(100);
    String digest = pushBlob(repo, content);
    for (String range : new String[] {"bytes=a-b", "pages=1-2", "bytes=1-2,5-6"}) {
      Response r = api().header("Range", range).get(blob(repo, digest));
      r.then().statusCode(200).header("Content-Length", "100");
      assertArrayEquals(content, r.asByteArray(), range);
    }
  }

  @Test
  void getBlob_largeBlobAcrossStorageChunks() {
    // The memory driver stores 1 MiB chunks; a range across a chunk boundary reads from both.
    String repo = repo("blob");
    byte[] content = randomBytes((5 << 20) + 123);
    String digest = pushBlob(repo, content);
    Response whole = api().get(blob(repo, digest));
    whole.then().statusCode(200).header("Content-Length", String.valueOf(content.length));
    assertArrayEquals(content, whole.asByteArray());
    int from = (1 << 20) - 10;
    Response part = api().header("Range", "bytes=" + from + "-" + (from + 19)).get(blob(repo, digest));
    part.then().statusCode(206);
    assertArrayEquals(slice(content, from, from + 20), part.asByteArray());
  }

  @Test
  void getBlob_clientHangsUpMidBody_laterRequestsServed() throws Exception {
    // A client that goes away while a blob is being sent (the server's write queue full) must not
    // wedge the connection's event loop or the blob: the next pull gets all of it.
    String repo = repo("blob");
    byte[] content = randomBytes(8 << 20);
    String digest = pushBlob(repo, content);
    URI base = URI.create(RestAssured.baseURI);
    for (int i = 0; i < 3; i++) {
      try (Socket s = new Socket(base.getHost(), RestAssured.port)) {
        s.setReceiveBufferSize(16 * 1024);
        s.getOutputStream().write(("GET " + blob(repo, digest) + " HTTP/1.1\r\nHost: registry\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        byte[] head = s.getInputStream().readNBytes(4096);
        assertTrue(new String(head, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"));
      }
    }
    Response whole = api().get(blob(repo, digest));
    whole.then().statusCode(200);
    assertArrayEquals(content, whole.asByteArray());
    api().delete(blob(repo, digest)).then().statusCode(202);
  }

  @Test
  void getBlob_emptyBlob_200NoBytes() {
    String repo = repo("blob");
    assertEquals(EMPTY_SHA256, pushBlob(repo, new byte[0]));
    Response r = api().get(blob(repo, EMPTY_SHA256));
    r.then().statusCode(200).header("Content-Length", "0").header("Docker-Content-Digest", EMPTY_SHA256);
    assertEquals(0, r.asByteArray().length);
    api().head(blob(repo, EMPTY_SHA256)).then().statusCode(200).header("Content-Length", "0");
  }

  @Test
  void getBlob_sha512Blob() {
    String repo = repo("blob");
    byte[] content = randomBytes(300);
    String digest = sha512(content);
    api().contentType(OCTET_STREAM).queryParam("digest", digest).body(content)
        .post("/v2/" + repo + "/blobs/uploads/").then().statusCode(201).header("Docker-Content-Digest", digest);
    Response r = api().get(blob(repo, digest));
    r.then().statusCode(200).header("Docker-Content-Digest", digest);
    assertArrayEquals(content, r.asByteArray());
    // the same bytes are not known under their sha256 digest
    assertError(api().get(blob(repo, sha256(content))), 404, "BLOB_UNKNOWN");
  }

  @Test
  void getBlob_unknown_404BlobUnknown() {
    String repo = repo("blob");
    pushBlob(repo, randomBytes(5));
    assertError(api().get(blob(repo, sha256(randomBytes(5)))), 404, "BLOB_UNKNOWN");
    api().head(blob(repo, sha256(randomBytes(5)))).then().statusCode(404);
  }

  @Test
  void getBlob_unknownRepository_404BlobUnknown() {
    assertError(api().get(blob(repo("blob"), EMPTY_SHA256)), 404, "BLOB_UNKNOWN");
  }

  @Test
  void deleteBlob_202ThenBlobUnknown() {
    String repo = repo("blob");
    String digest = pushBlob(repo, randomBytes(64));
    api().delete(blob(repo, digest)).then()
        .statusCode(202)
        .header("Docker-Content-Digest", digest);
    assertError(api().get(blob(repo, digest)), 404, "BLOB_UNKNOWN");
    api().head(blob(repo, digest)).then().statusCode(404);
    assertError(api().delete(blob(repo, digest)), 404, "BLOB_UNKNOWN");
  }

  @Test
  void blob_notVisibleInAnotherRepositoryUntilPushedThere() {
    String a = repo("blob");
    String b = repo("blob");
    byte[] content = randomBytes(200);
    String digest = pushBlob(a, content);
    assertError(api().get(blob(b, digest)), 404, "BLOB_UNKNOWN");
    api().head(blob(b, digest)).then().statusCode(404);
    assertEquals(digest, pushBlob(b, content));
    Response r = api().get(blob(b, digest));
    r.then().statusCode(200);
    assertArrayEquals(content, r.asByteArray());
  }

  @Test
  void blob_mountedIntoAnotherRepository_visibleThere() {
    String a = repo("blob");
    String b = repo("blob");
    byte[] content = randomBytes(200);
    String digest = pushBlob(a, content);
    api().queryParam("mount", digest).queryParam("from", a).post("/v2/" + b + "/blobs/uploads/").then()
        .statusCode(201)
        .header("Location", "/v2/" + b + "/blobs/" + digest)
        .header("Docker-Content-Digest", digest);
    Response r = api().get(blob(b, digest));
    r.then().statusCode(200).header("Content-Length", "200");
    assertArrayEquals(content, r.asByteArray());
  }

  @Test
  void deleteBlob_inOneRepository_keepsItInOthers() {
    // stored once, linked per repository: unlinking from one leaves the bytes to the others
    String a = repo("blob");
    String b = repo("blob");
    byte[] content = randomBytes(200);
    String digest = pushBlob(a, content);
    pushBlob(b, content);
    api().delete(blob(a, digest)).then().statusCode(202);
    assertError(api().get(blob(a, digest)), 404, "BLOB_UNKNOWN");
    Response r = api().get(blob(b, digest));
    r.then().statusCode(200);
    assertArrayEquals(content, r.asByteArray());
  }

  @Test
  void blob_invalidDigest_400DigestInvalid() {
    String repo = repo("blob");
    assertError(api().get(blob(repo, "sha256:totallywrong")), 400, "DIGEST_INVALID");
    assertError(api().get(blob(repo, "md5:d41d8cd98f00b204e9800998ecf8427e")), 400, "DIGEST_INVALID");
    assertError(api().get(blob(repo, EMPTY_SHA256.toUpperCase().replace("SHA256", "sha256"))), 400, "DIGEST_INVALID");
    assertError(api().delete(blob(repo, "sha256:totallywrong")), 400, "DIGEST_INVALID");
    api().head(blob(repo, "sha256:totallywrong")).then().statusCode(400);
  }
}
