package dev.berth.api;

import static dev.berth.api.ApiTestSupport.OCI_MANIFEST;
import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.bytes;
import static dev.berth.api.ApiTestSupport.image;
import static dev.berth.api.ApiTestSupport.pushConfig;
import static dev.berth.api.ApiTestSupport.pushLayer;
import static dev.berth.api.ApiTestSupport.putManifest;
import static dev.berth.api.ApiTestSupport.randomBytes;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;
import static dev.berth.api.BasicAuthApiTest.as;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.nio.file.Files;
import java.util.List;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/** What signed-in clients do in basic mode: push with bodies, catalog, mounts, files that change. */
@QuarkusTest
@TestProfile(BasicAuthProfile.class)
class BasicAuthFlowsApiTest {

  @Test
  void firstSignIn_carriesItsBody_monolithicAndChunked() {
    // builder signs in nowhere else: this POST is its first, verified off the event loop while
    // the request (and its body) waits.
    String repo = "team-a/" + repo("body");
    byte[] blob = randomBytes(3 * 1024 * 1024 + 17);
    String digest = sha256(blob);
    as("builder").contentType("application/octet-stream").queryParam("digest", digest).body(blob)
        .post("/v2/" + repo + "/blobs/uploads/").then().statusCode(201);
    String loc = as("builder").post("/v2/" + repo + "/blobs/uploads/").then().statusCode(202).extract().header("Location");
    byte[] chunk = randomBytes(1024 * 1024);
    as("builder").contentType("application/octet-stream").header("Content-Range", "0-" + (chunk.length - 1)).body(chunk)
        .patch(loc).then().statusCode(202);
    as("builder").queryParam("digest", sha256(chunk)).put(loc).then().statusCode(201);
    assertArrayEquals(blob, as("bob").get("/v2/" + repo + "/blobs/" + digest).then().statusCode(200).extract().asByteArray());
  }

  @Test
  void alicePushesAnImage_bobPullsIt_bobCannotDeleteIt() {
    String repo = "team-a/" + repo("image");
    RestAssured.authentication = RestAssured.preemptive().basic("alice", "alice-pw");
    String digest;
    try {
      byte[] manifest = bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo)));
      putManifest(repo, "v1", OCI_MANIFEST, manifest).then().statusCode(201);
      digest = sha256(manifest);
    } finally {
      RestAssured.authentication = RestAssured.DEFAULT_AUTH;
    }
    as("bob").get("/v2/" + repo + "/manifests/v1").then().statusCode(200).header("Docker-Content-Digest", digest);
    as("bob").delete("/v2/" + repo + "/manifests/" + digest).then().statusCode(403);
    api().get("/v2/" + repo + "/manifests/v1").then().statusCode(401);
    as("alice").delete("/v2/" + repo + "/manifests/" + digest).then().statusCode(202);
  }

  @Test
  void catalog_showsOnlyWhatItsReaderMayPull() {
    String secret = "team-b/" + repo("hidden");
    String shared = "team-a/" + repo("shown");
    as("admin").queryParam("digest", sha256(new byte[] {1})).contentType("application/octet-stream").body(new byte[] {1})
        .post("/v2/" + secret + "/blobs/uploads/").then().statusCode(201);
    as("admin").queryParam("digest", sha256(new byte[] {2})).contentType("application/octet-stream").body(new byte[] {2})
        .post("/v2/" + shared + "/blobs/uploads/").then().statusCode(201);
    List<String> forBob = as("bob").get("/v2/_catalog").then().statusCode(200).extract().jsonPath().getList("repositories");
    List<String> forAdmin = as("admin").get("/v2/_catalog").then().statusCode(200).extract().jsonPath().getList("repositories");
    assertTrue(forBob.contains(shared) && !forBob.contains(secret), forBob.toString());
    assertTrue(forAdmin.contains(shared) && forAdmin.contains(secret), forAdmin.toString());
    api().get("/v2/_catalog").then().statusCode(401);
  }

  @Test
  void mount_needsPullOnTheSource() {
    byte[] blob = randomBytes(2048);
    String digest = sha256(blob);
    String source = "team-b/" + repo("source");
    as("admin").queryParam("digest", digest).contentType("application/octet-stream").body(blob)
        .post("/v2/" + source + "/blobs/uploads/").then().statusCode(201);
    String target = "team-a/" + repo("target");
    // alice may not pull team-b: the mount is an ordinary upload, the source's blob stays unseen
    as("alice").queryParam("mount", digest).queryParam("from", source).post("/v2/" + target + "/blobs/uploads/")
        .then().statusCode(202);
    as("alice").head("/v2/" + target + "/blobs/" + digest).then().statusCode(404);
    as("admin").queryParam("mount", digest).queryParam("from", source).post("/v2/" + target + "/blobs/uploads/")
        .then().statusCode(201);
  }

  @Test
  void rulesAndAccounts_changeWithoutRestart() throws Exception {
    AuthFiles f = BasicAuthProfile.FILES;
    String rules = Files.readString(f.rules);
    String accounts = Files.readString(f.htpasswd);
    String repo = "team-a/" + repo("reload");
    try {
      as("bob").post("/v2/" + repo + "/blobs/uploads/").then().statusCode(403);
      String bobPulls = "\"user:bob\"]\n    repositories: [\"team-a/**\"]\n    actions: [pull]";
      assertTrue(rules.contains(bobPulls));
      Files.writeString(f.rules, rules.replace(bobPulls, bobPulls.replace("[pull]", "[pull, push]")));
      assertTrue(eventually(() -> as("bob").post("/v2/" + repo + "/blobs/uploads/").statusCode(), 202), "bob may push now");

      api().auth().preemptive().basic("dave", "dave-pw").get("/v2/").then().statusCode(401);
      Files.writeString(f.htpasswd, accounts + AuthFiles.entry("dave", "dave-pw") + "\n");
      assertTrue(eventually(() -> api().auth().preemptive().basic("dave", "dave-pw").get("/v2/").statusCode(), 200), "dave exists");
      Files.writeString(f.htpasswd, accounts);
      assertTrue(eventually(() -> api().auth().preemptive().basic("dave", "dave-pw").get("/v2/").statusCode(), 401),
          "dave is gone, even though his sign-in was verified a moment ago");

      Files.writeString(f.rules, "rules: [ broken");
      Thread.sleep(1500);
      assertEquals(202, as("bob").post("/v2/" + repo + "/blobs/uploads/").statusCode(), "a broken file leaves the last good rules");
    } finally {
      Files.writeString(f.rules, rules);
      Files.writeString(f.htpasswd, accounts);
      eventually(() -> as("bob").post("/v2/" + repo + "/blobs/uploads/").statusCode(), 403);
    }
    assertFalse(Files.readString(f.rules).contains("broken"));
  }

  private static boolean eventually(IntSupplier status, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (status.getAsInt() == expected) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }
}
