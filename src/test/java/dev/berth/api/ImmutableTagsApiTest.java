package dev.berth.api;

import static dev.berth.api.ApiTestSupport.OCI_MANIFEST;
import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.assertError;
import static dev.berth.api.ApiTestSupport.bytes;
import static dev.berth.api.ApiTestSupport.image;
import static dev.berth.api.ApiTestSupport.pushConfig;
import static dev.berth.api.ApiTestSupport.pushImage;
import static dev.berth.api.ApiTestSupport.pushLayer;
import static dev.berth.api.ApiTestSupport.pushManifest;
import static dev.berth.api.ApiTestSupport.putManifest;
import static dev.berth.api.ApiTestSupport.repo;
import static org.hamcrest.Matchers.containsString;

import dev.berth.api.ApiTestSupport.Pushed;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code berth.tags.immutable}: an immutable tag keeps its manifest; pushing it again is fine. */
@QuarkusTest
@TestProfile(ImmutableTagsApiTest.Immutable.class)
class ImmutableTagsApiTest {

  public static class Immutable implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("berth.tags.immutable", "imm/releases/**:v*, imm/base-*:1.?");
    }
  }

  private static byte[] freshImage(String repo) {
    return bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo)));
  }

  private static void assertTagNames(String repo, String tag, String digest) {
    api().get("/v2/" + repo + "/manifests/" + tag).then().statusCode(200).header("Docker-Content-Digest", digest);
  }

  @Test
  void overwrite_refusedDenied_samePushAgainFine() {
    String repo = repo("imm/releases/app");
    Pushed v1 = pushImage(repo, "v1");
    pushManifest(repo, "v1", OCI_MANIFEST, v1.bytes()); // the same digest again: a retry, fine
    assertError(putManifest(repo, "v1", OCI_MANIFEST, freshImage(repo)), 403, "DENIED");
    putManifest(repo, "v1", OCI_MANIFEST, freshImage(repo)).then()
        .body("errors[0].detail", containsString("tag v1 is immutable"))
        .body("errors[0].detail", containsString("imm/releases/**:v*"));
    assertTagNames(repo, "v1", v1.digest());
  }

  @Test
  void overwriteByTagParameter_refused() {
    String repo = repo("imm/releases/app");
    Pushed v2 = pushImage(repo, "v2");
    byte[] other = freshImage(repo);
    String digest = ApiTestSupport.sha256(other);
    assertError(api().contentType(OCI_MANIFEST).body(other).queryParam("tag", "v2")
        .put("/v2/" + repo + "/manifests/" + digest), 403, "DENIED");
    assertTagNames(repo, "v2", v2.digest());
  }

  @Test
  void delete_tagOrItsManifest_refusedUnsupported() {
    String repo = repo("imm/releases/app");
    Pushed v1 = pushImage(repo, "v1");
    assertError(api().delete("/v2/" + repo + "/manifests/v1"), 405, "UNSUPPORTED");
    assertError(api().delete("/v2/" + repo + "/manifests/" + v1.digest()), 405, "UNSUPPORTED");
    assertTagNames(repo, "v1", v1.digest());
    assertError(api().delete("/v2/" + repo + "/manifests/v9"), 404, "MANIFEST_UNKNOWN");
  }

  @Test
  void otherTagsAndRepositories_stayMutable() {
    String repo = repo("imm/releases/app");
    pushImage(repo, "latest");
    Pushed moved = pushImage(repo, "latest");
    assertTagNames(repo, "latest", moved.digest());
    api().delete("/v2/" + repo + "/manifests/latest").then().statusCode(202);
    api().delete("/v2/" + repo + "/manifests/" + moved.digest()).then().statusCode(202);

    String other = repo("imm/scratch");
    pushImage(other, "v1");
    Pushed again = pushImage(other, "v1");
    assertTagNames(other, "v1", again.digest());
  }

  @Test
  void tagGlob_questionMarkIsOneCharacter() {
    String repo = repo("imm/base");
    pushImage(repo, "1.2");
    assertError(putManifest(repo, "1.2", OCI_MANIFEST, freshImage(repo)), 403, "DENIED");
    pushImage(repo, "1.22");
    Pushed moved = pushImage(repo, "1.22");
    assertTagNames(repo, "1.22", moved.digest());
  }
}
