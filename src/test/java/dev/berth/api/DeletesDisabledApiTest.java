package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.assertError;
import static dev.berth.api.ApiTestSupport.pushBlob;
import static dev.berth.api.ApiTestSupport.pushImage;
import static dev.berth.api.ApiTestSupport.randomBytes;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;
import static dev.berth.api.ApiTestSupport.startUpload;

import dev.berth.api.ApiTestSupport.Pushed;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code berth.delete.enabled=false}: content can't be deleted; uploads can still be cancelled. */
@QuarkusTest
@TestProfile(DeletesDisabledApiTest.DeletesDisabled.class)
class DeletesDisabledApiTest {

  public static class DeletesDisabled implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("berth.delete.enabled", "false");
    }
  }

  @Test
  void deleteManifestByDigest_405Unsupported() {
    String repo = repo("nodelete");
    Pushed p = pushImage(repo, "latest");
    assertError(api().delete("/v2/" + repo + "/manifests/" + p.digest()), 405, "UNSUPPORTED");
    api().get("/v2/" + repo + "/manifests/" + p.digest()).then().statusCode(200);
    api().get("/v2/" + repo + "/manifests/latest").then().statusCode(200);
  }

  @Test
  void deleteManifestByTag_405Unsupported() {
    String repo = repo("nodelete");
    pushImage(repo, "latest");
    assertError(api().delete("/v2/" + repo + "/manifests/latest"), 405, "UNSUPPORTED");
    api().get("/v2/" + repo + "/manifests/latest").then().statusCode(200);
  }

  @Test
  void deleteBlob_405Unsupported() {
    String repo = repo("nodelete");
    String digest = pushBlob(repo, randomBytes(10));
    assertError(api().delete("/v2/" + repo + "/blobs/" + digest), 405, "UNSUPPORTED");
    api().head("/v2/" + repo + "/blobs/" + digest).then().statusCode(200);
  }

  @Test
  void deleteUnknownContent_stillInputChecked() {
    String repo = repo("nodelete");
    assertError(api().delete("/v2/" + repo + "/blobs/sha256:totallywrong"), 400, "DIGEST_INVALID");
    assertError(api().delete("/v2/" + repo + "/manifests/" + sha256(randomBytes(3))), 405, "UNSUPPORTED");
  }

  @Test
  void cancelUpload_stillAllowed() {
    String location = startUpload(repo("nodelete"));
    api().delete(location).then().statusCode(204);
    api().get(location).then().statusCode(404);
  }
}
