package dev.berth.api;

import static dev.berth.api.ApiTestSupport.OCI_MANIFEST;
import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.bytes;
import static dev.berth.api.ApiTestSupport.follow;
import static dev.berth.api.ApiTestSupport.image;
import static dev.berth.api.ApiTestSupport.nextLink;
import static dev.berth.api.ApiTestSupport.pushConfig;
import static dev.berth.api.ApiTestSupport.pushLayer;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code berth.pagination.max-entries=3} caps every tag list, with or without {@code ?n=};
 * {@code berth.uploads.chunk-min-length=1M} is what new uploads announce.
 */
@QuarkusTest
@TestProfile(SmallLimitsApiTest.SmallLimits.class)
class SmallLimitsApiTest {

  /** The limits, on whatever storage {@link #storage()} names (memory here). */
  public static class SmallLimits implements QuarkusTestProfile {
    protected Map<String, String> storage() {
      return Map.of();
    }

    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> m = new HashMap<>(storage());
      m.put("berth.pagination.max-entries", "3");
      m.put("berth.uploads.chunk-min-length", "1M");
      return m;
    }
  }

  @Test
  void tagList_withoutN_cappedAtMaxEntries_andLinked() {
    String repo = repo("limits");
    byte[] body = bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo)));
    var req = api().contentType(OCI_MANIFEST).body(body);
    List<String> tags = List.of("a", "b", "c", "d", "e", "f", "g");
    for (String t : tags) {
      req = req.queryParam("tag", t);
    }
    req.put("/v2/" + repo + "/manifests/" + sha256(body)).then().statusCode(201);
    List<String> seen = new ArrayList<>();
    Response r = api().get("/v2/" + repo + "/tags/list");
    while (true) {
      r.then().statusCode(200);
      List<String> page = r.jsonPath().getList("tags");
      assertEquals(true, page.size() <= 3, "page " + page);
      seen.addAll(page);
      String next = nextLink(r);
      if (next == null) {
        break;
      }
      r = follow(next);
    }
    assertEquals(tags, seen);
    assertEquals(3, api().queryParam("n", 100).get("/v2/" + repo + "/tags/list").jsonPath().getList("tags").size());
    assertNull(nextLink(api().queryParam("last", "d").get("/v2/" + repo + "/tags/list")));
  }

  @Test
  void newUpload_announcesTheConfiguredChunkMinLength() {
    api().post("/v2/" + repo("limits") + "/blobs/uploads/").then().statusCode(202).header("OCI-Chunk-Min-Length", "1048576");
  }
}
