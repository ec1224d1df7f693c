package dev.berth.api;

import static dev.berth.api.ApiTestSupport.API_VERSION;
import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.repo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/** {@code /v2/}: the check every client starts with. */
@QuarkusTest
class BaseApiTest {

  @Test
  void getBase_200EmptyJsonObject() {
    Response r = api().get("/v2/");
    r.then()
        .statusCode(200)
        .header(API_VERSION, "registry/2.0")
        .contentType(startsWith("application/json"));
    assertEquals("{}", r.asString());
  }

  @Test
  void headBase_200WithApiVersion() {
    Response r = api().head("/v2/");
    r.then()
        .statusCode(200)
        .header(API_VERSION, "registry/2.0");
    assertEquals(0, r.asByteArray().length);
  }

  @Test
  void apiVersionHeader_onErrorResponses() {
    api().get("/v2/" + repo("base") + "/manifests/latest").then()
        .statusCode(404)
        .header(API_VERSION, "registry/2.0");
  }

  @Test
  void apiVersionHeader_onUploadRoutes() {
    // PATCH and PUT of a session are served outside the REST layer; they answer the same way.
    String repo = repo("base");
    api().contentType("application/octet-stream").body(new byte[] {1})
        .patch("/v2/" + repo + "/blobs/uploads/00000000-0000-0000-0000-000000000000").then()
        .statusCode(404)
        .header(API_VERSION, "registry/2.0");
    api().contentType("application/octet-stream").queryParam("digest", ApiTestSupport.sha256(new byte[] {1}))
        .body(new byte[] {1})
        .post("/v2/" + repo + "/blobs/uploads/").then()
        .statusCode(201)
        .header(API_VERSION, "registry/2.0");
  }

  @Test
  void unknownRoute_404JsonError() {
    Response r = api().get("/v2/" + repo("base") + "/nothing-here");
    r.then().statusCode(404).contentType(startsWith("application/json"));
    assertEquals(1, r.jsonPath().getList("errors").size());
  }
}
