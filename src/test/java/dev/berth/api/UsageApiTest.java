package dev.berth.api;

import static dev.berth.api.ApiTestSupport.OCI_LAYER;
import static dev.berth.api.ApiTestSupport.OCI_MANIFEST;
import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.assertError;
import static dev.berth.api.ApiTestSupport.bytes;
import static dev.berth.api.ApiTestSupport.follow;
import static dev.berth.api.ApiTestSupport.image;
import static dev.berth.api.ApiTestSupport.nextLink;
import static dev.berth.api.ApiTestSupport.pushBlob;
import static dev.berth.api.ApiTestSupport.pushConfig;
import static dev.berth.api.ApiTestSupport.pushImage;
import static dev.berth.api.ApiTestSupport.pushManifest;
import static dev.berth.api.ApiTestSupport.randomBytes;
import static dev.berth.api.ApiTestSupport.repo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.ApiTestSupport.Blob;
import dev.berth.api.ApiTestSupport.Pushed;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v2/_berth/usage} without auth (everyone is an admin then): bytes counted once per
 * repository, once in the total. Other classes push to the same registry, so the total is checked
 * as a difference and pages start just before this test's repositories.
 */
@QuarkusTest
class UsageApiTest {
  static final String USAGE = "/v2/_berth/usage";

  private static JsonPath total() {
    return api().get(USAGE + "?n=0").then().statusCode(200).extract().jsonPath();
  }

  private static Map<String, Object> usage(String repo) {
    return api().get(USAGE + "/" + repo).then().statusCode(200).extract().jsonPath().getMap("");
  }

  @Test
  void sharedLayer_countsInEachRepository_onceInTheTotal() {
    JsonPath before = total();
    String a = repo("usage");
    String b = repo("usage");
    byte[] layer = randomBytes(700);
    Blob shared = pushBlob(a, OCI_LAYER, layer);
    pushBlob(b, OCI_LAYER, layer);
    Blob onlyB = pushBlob(b, OCI_LAYER, randomBytes(300));
    Blob configA = pushConfig(a);
    Blob configB = pushConfig(b);
    Pushed ma = pushManifest(a, "v1", OCI_MANIFEST, bytes(image(OCI_MANIFEST, configA, shared)));
    pushManifest(a, "v2", OCI_MANIFEST, ma.bytes()); // a second tag: the same bytes
    Pushed mb = pushManifest(b, "v1", OCI_MANIFEST, bytes(image(OCI_MANIFEST, configB, shared, onlyB)));

    assertEquals(Map.of("name", a, "bytes", (int) (shared.size() + configA.size() + ma.bytes().length),
        "blobs", 2, "manifests", 1), usage(a));
    assertEquals(Map.of("name", b, "bytes", (int) (shared.size() + onlyB.size() + configB.size() + mb.bytes().length),
        "blobs", 3, "manifests", 1), usage(b));
    JsonPath after = total();
    long added = shared.size() + onlyB.size() + configA.size() + configB.size() + ma.bytes().length + mb.bytes().length;
    assertEquals(added, after.getLong("total.bytes") - before.getLong("total.bytes"));
    assertEquals(6, after.getLong("total.blobs") - before.getLong("total.blobs"));
    assertEquals(List.of(), after.getList("repositories"));
  }

  @Test
  void pages_followTheCatalog_withALinkHeader_andTheTotalOnTheFirstPageOnly() {
    String base = repo("usagepage");
    for (String r : List.of("/r1", "/r2", "/r3")) {
      pushImage(base + r, "latest");
    }
    Response first = api().get(USAGE + "?n=2&last=" + base + "/r0");
    first.then().statusCode(200);
    assertEquals(List.of(base + "/r1", base + "/r2"), first.jsonPath().getList("repositories.name"));
    assertNull(first.jsonPath().get("total"), "a later page carries no total");
    assertEquals(1, first.jsonPath().getInt("repositories[0].manifests"));
    assertEquals(2, first.jsonPath().getInt("repositories[0].blobs"));
    String link = nextLink(first);
    assertTrue(link.startsWith(USAGE + "?n=2&last="), link);
    Response second = follow(link);
    second.then().statusCode(200);
    assertEquals(base + "/r3", second.jsonPath().getString("repositories[0].name"));
    assertTrue(second.jsonPath().getList("repositories").size() <= 2);
  }

  @Test
  void badInput_answersOciErrors() {
    assertError(api().get(USAGE + "?n=-1"), 400, "PAGINATION_NUMBER_INVALID");
    assertError(api().get(USAGE + "?n=x"), 400, "PAGINATION_NUMBER_INVALID");
    assertError(api().get(USAGE + "/" + repo("usage-none")), 404, "NAME_UNKNOWN");
    assertError(api().get(USAGE + "/Not_A_Name"), 400, "NAME_INVALID");
    assertError(api().get(USAGE + "?last=Not_A_Name"), 400, "NAME_INVALID");
    assertFalse(api().get(USAGE).then().statusCode(200).extract().asString().contains("Exception"));
  }
}
