package dev.berth.api;

import static dev.berth.api.ApiTestSupport.OCTET_STREAM;
import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.pushBlob;
import static dev.berth.api.ApiTestSupport.randomBytes;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;
import static dev.berth.api.ApiTestSupport.startUpload;
import static dev.berth.api.ApiTestSupport.uploadUuid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.Digest;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.StorageLayout;
import dev.berth.storage.StorageDriver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What requests leave in storage, read through the driver contract (so it holds on every driver):
 * blobs stored once and linked per repository, no leftovers of failed, finished or cancelled
 * uploads.
 */
@QuarkusTest
class StorageEffectsApiTest {
  @Inject
  StorageDriver storage;

  /** The keys of an upload session that exist in storage (its state and its bytes). */
  private List<String> sessionKeys(String uuid) {
    return java.util.stream.Stream.of(StorageLayout.uploadState(uuid), StorageLayout.uploadData(uuid))
        .filter(k -> storage.stat(k).isPresent()).toList();
  }

  /** What is listed under a prefix. */
  private List<String> listed(String prefix) {
    return storage.list(prefix, null, 100_000).names();
  }

  private boolean stored(String key) {
    return storage.stat(key).isPresent();
  }

  private static String blob(String repo, String digest) {
    return "/v2/" + repo + "/blobs/" + digest;
  }

  private static String uploads(String repo) {
    return "/v2/" + repo + "/blobs/uploads/";
  }

  private static Response patch(String location, byte[] chunk) {
    return api().contentType(OCTET_STREAM).body(chunk).patch(location);
  }

  private static Response put(String location, String digest) {
    return api().queryParam("digest", digest).put(location);
  }

  @Test
  void blob_storedOnceAndLinkedPerRepository() {
    String a = repo("blob");
    String b = repo("blob");
    String c = repo("blob");
    byte[] content = randomBytes(300);
    String digest = pushBlob(a, content);
    pushBlob(b, content);
    api().queryParam("mount", digest).queryParam("from", a).post("/v2/" + c + "/blobs/uploads/").then().statusCode(201);
    Digest d = Digest.parse(digest);
    String data = StorageLayout.blobData(d);
    // Through the driver contract, so the check holds on every storage driver.
    String fanOut = "blobs/" + d.algorithm().id() + "/" + d.hex().substring(0, 2) + "/";
    assertEquals(List.of(d.hex() + "/"), storage.list(fanOut, null, 1000).names().stream()
        .filter(n -> n.startsWith(d.hex())).toList(), "one copy of the bytes");
    assertTrue(storage.stat(data).isPresent());
    for (String repo : new String[] {a, b, c}) {
      assertTrue(storage.stat(StorageLayout.layerLink(RepositoryName.parse(repo), d)).isPresent(), repo);
    }
    api().delete(blob(a, digest)).then().statusCode(202);
    assertFalse(storage.stat(StorageLayout.layerLink(RepositoryName.parse(a), d)).isPresent());
    assertTrue(storage.stat(data).isPresent(), "the bytes stay for the other repositories");
  }

  @Test
  void put_digestMismatch_leavesNothingInStorage() {
    String repo = repo("upload");
    byte[] content = randomBytes(100);
    String claimed = sha256(randomBytes(100));
    String location = startUpload(repo);
    patch(location, content).then().statusCode(202);
    assertEquals(2, sessionKeys(uploadUuid(location)).size(), "state and data");
    put(location, claimed).then().statusCode(400);
    assertEquals(List.of(), sessionKeys(uploadUuid(location)));
    assertFalse(stored(StorageLayout.blobData(Digest.parse(claimed))));
    assertFalse(stored(StorageLayout.blobData(Digest.parse(sha256(content)))));
  }

  @Test
  void postWithDigest_mismatch_leavesNoUploadData() {
    String repo = repo("upload");
    List<String> sessions = listed(StorageLayout.UPLOADS);
    List<String> data = listed(StorageLayout.UPLOAD_DATA);
    byte[] content = randomBytes(100);
    api().contentType(OCTET_STREAM).queryParam("digest", sha256(randomBytes(100))).body(content).post(uploads(repo))
        .then().statusCode(400);
    assertEquals(sessions, listed(StorageLayout.UPLOADS));
    assertEquals(data, listed(StorageLayout.UPLOAD_DATA));
    assertFalse(stored(StorageLayout.blobData(Digest.parse(sha256(content)))));
  }

  @Test
  void finishedAndCancelledSessions_leaveNoUploadData() {
    String repo = repo("upload");
    byte[] content = randomBytes(100);
    String done = startUpload(repo);
    patch(done, content).then().statusCode(202);
    put(done, sha256(content)).then().statusCode(201);
    assertEquals(List.of(), sessionKeys(uploadUuid(done)));
    String cancelled = startUpload(repo);
    patch(cancelled, content).then().statusCode(202);
    api().delete(cancelled).then().statusCode(204);
    assertEquals(List.of(), sessionKeys(uploadUuid(cancelled)));
    List<String> sessions = listed(StorageLayout.UPLOADS);
    List<String> data = listed(StorageLayout.UPLOAD_DATA);
    pushBlob(repo, randomBytes(10));
    assertEquals(sessions, listed(StorageLayout.UPLOADS), "a monolithic upload leaves no session behind");
    assertEquals(data, listed(StorageLayout.UPLOAD_DATA), "nor upload bytes");
  }
}
