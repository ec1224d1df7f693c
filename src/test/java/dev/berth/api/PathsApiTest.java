package dev.berth.api;

import static dev.berth.api.ApiTestSupport.OCI_MANIFEST;
import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.pushBlob;
import static dev.berth.api.ApiTestSupport.randomBytes;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every request acts on exactly the repository name of its raw path, or is refused: a name that
 * the HTTP stack would decode, normalise or cut at a {@code ;} is 400 NAME_INVALID on every
 * route, before anything is read or written. Paths that name no endpoint are 404 (plain outside
 * {@code /v2}, the spec's closest code inside).
 */
@QuarkusTest
class PathsApiTest {
  private static final String UUID = "00000000-0000-4000-8000-000000000000";

  /** Names as a client could write them to reach {@code <base>/a}, {@code b} or {@code <base>/b} by another spelling. */
  private static List<String> rewrittenNames(String base) {
    return List.of(base + "/a;b", base + "/a/../b", base + "/./b", base + "//b", base + "%2Fb", base + "/b/",
        base + "%2fb", base + "/%62", base + "/b;x=y", base + "/b%00", "%2E%2E/" + base);
  }

  /** One request per route of the spec, for a raw name. */
  private static List<String[]> routes(String name, String digest) {
    return List.of(
        new String[] {"GET", "/v2/" + name + "/tags/list"},
        new String[] {"GET", "/v2/" + name + "/manifests/latest"},
        new String[] {"HEAD", "/v2/" + name + "/manifests/latest"},
        new String[] {"PUT", "/v2/" + name + "/manifests/latest"},
        new String[] {"DELETE", "/v2/" + name + "/manifests/" + digest},
        new String[] {"GET", "/v2/" + name + "/blobs/" + digest},
        new String[] {"HEAD", "/v2/" + name + "/blobs/" + digest},
        new String[] {"DELETE", "/v2/" + name + "/blobs/" + digest},
        new String[] {"POST", "/v2/" + name + "/blobs/uploads/"},
        new String[] {"POST", "/v2/" + name + "/blobs/uploads/?digest=" + digest},
        new String[] {"POST", "/v2/" + name + "/blobs/uploads/?mount=" + digest + "&from=x"},
        new String[] {"GET", "/v2/" + name + "/blobs/uploads/" + UUID},
        new String[] {"PATCH", "/v2/" + name + "/blobs/uploads/" + UUID},
        new String[] {"PUT", "/v2/" + name + "/blobs/uploads/" + UUID + "?digest=" + digest},
        new String[] {"DELETE", "/v2/" + name + "/blobs/uploads/" + UUID},
        new String[] {"GET", "/v2/" + name + "/referrers/" + digest});
  }

  @Test
  void rewrittenName_400NameInvalid_onEveryRoute_andNothingStored() {
    String base = repo("paths");
    String digest = pushBlob(base + "/b", randomBytes(10));
    pushBlob(base + "/a", randomBytes(10));
    for (String name : rewrittenNames(base)) {
      for (String[] r : routes(name, digest)) {
        RawHttp.Reply reply = RawHttp.request(r[0], r[1]);
        String what = r[0] + " " + r[1] + ": " + reply.body();
        assertEquals(400, reply.status(), what);
        if (!r[0].equals("HEAD")) {
          assertTrue(reply.body().contains("\"NAME_INVALID\""), what);
        }
        assertEquals("registry/2.0", reply.header("Docker-Distribution-API-Version"), what);
      }
    }
    // No upload was started and no blob was unlinked under any of the names the paths resembled.
    for (String repo : List.of(base + "/a", base + "/b")) {
      api().head("/v2/" + repo + "/blobs/" + (repo.endsWith("b") ? digest : sha256(randomBytes(1)))).then()
          .statusCode(repo.endsWith("b") ? 200 : 404);
    }
  }

  @Test
  void validName_actsOnThatName() {
    String repo = repo("paths") + "/blobs/manifests";
    String digest = pushBlob(repo, randomBytes(10));
    RawHttp.Reply r = RawHttp.request("HEAD", "/v2/" + repo + "/blobs/" + digest);
    assertEquals(200, r.status());
    assertEquals(digest, r.header("Docker-Content-Digest"));
    assertEquals(404, RawHttp.request("HEAD", "/v2/" + repo.substring(0, repo.indexOf('/')) + "/blobs/" + digest).status());
  }

  @Test
  void nonRegistryPath_plain404() {
    for (String path : List.of("/", "/metrics", "/v3/", "/v2x", "/favicon.ico", "/q/nothing")) {
      RawHttp.Reply r = RawHttp.request("GET", path);
      assertEquals(404, r.status(), path);
      assertFalse(r.body().contains("errors"), path + ": " + r.body());
      assertFalse(r.body().contains("NAME_UNKNOWN"), path + ": " + r.body());
      assertNull(r.header("Docker-Distribution-API-Version"), path);
    }
  }

  @Test
  void unknownRegistryPath_404Unsupported_noClaimAboutARepository() {
    String repo = repo("paths");
    for (String path : List.of("/v2/foo", "/v2/" + repo + "/tags/list/", "/v2/_catalog/", "/v2/" + repo + "/tags",
        "/v2/" + repo + "/blobs/", "/v2/" + repo + "/manifests/", "/v2/" + repo)) {
      RawHttp.Reply r = RawHttp.request("GET", path);
      assertEquals(404, r.status(), path + ": " + r.body());
      assertTrue(r.body().contains("\"UNSUPPORTED\""), path + ": " + r.body());
      assertEquals("registry/2.0", r.header("Docker-Distribution-API-Version"), path);
    }
  }

  @Test
  void knownPath_wrongMethod_405Unsupported() {
    String repo = repo("paths");
    for (String[] r : List.of(new String[] {"PATCH", "/v2/" + repo + "/manifests/x"}, new String[] {"POST", "/v2/" + repo + "/tags/list"},
        new String[] {"PUT", "/v2/_catalog"}, new String[] {"PATCH", "/v2/" + repo + "/blobs/" + sha256(new byte[1])})) {
      RawHttp.Reply reply = RawHttp.request(r[0], r[1]);
      assertEquals(405, reply.status(), r[0] + " " + r[1] + ": " + reply.body());
      assertTrue(reply.body().contains("\"UNSUPPORTED\""), reply.body());
    }
    api().contentType(OCI_MANIFEST).get("/v2/").then().statusCode(200);
  }
}
