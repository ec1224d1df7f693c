package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.assertError;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code berth.read-only=true}: every write is 405 UNSUPPORTED, reads work. */
@QuarkusTest
@TestProfile(ReadOnlyApiTest.ReadOnly.class)
class ReadOnlyApiTest {

  public static class ReadOnly implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("berth.read-only", "true");
    }
  }

  @Test
  void everyWrite_405() {
    String repo = repo("ro");
    String digest = sha256(new byte[] {7});
    String upload = "/v2/" + repo + "/blobs/uploads/3f6c0d6a-5b1e-4a8e-9a55-9f1c7c2b8e11";
    assertError(api().post("/v2/" + repo + "/blobs/uploads/"), 405, "UNSUPPORTED");
    assertError(api().contentType("application/octet-stream").queryParam("digest", digest).body(new byte[] {7})
        .post("/v2/" + repo + "/blobs/uploads/"), 405, "UNSUPPORTED");
    assertError(api().contentType("application/octet-stream").body(new byte[] {7}).patch(upload), 405, "UNSUPPORTED");
    assertError(api().queryParam("digest", digest).put(upload), 405, "UNSUPPORTED");
    assertError(api().delete(upload), 405, "UNSUPPORTED");
    assertError(api().contentType("application/vnd.oci.image.manifest.v1+json").body("{}").put("/v2/" + repo + "/manifests/v1"),
        405, "UNSUPPORTED");
    assertError(api().delete("/v2/" + repo + "/manifests/v1"), 405, "UNSUPPORTED");
    assertError(api().delete("/v2/" + repo + "/blobs/" + digest), 405, "UNSUPPORTED");
  }

  @Test
  void reads_work() {
    String repo = repo("ro");
    api().get("/v2/").then().statusCode(200);
    api().get("/v2/_catalog").then().statusCode(200);
    api().get("/v2/" + repo + "/manifests/v1").then().statusCode(404);
    api().head("/v2/" + repo + "/blobs/" + sha256(new byte[] {7})).then().statusCode(404);
  }
}
