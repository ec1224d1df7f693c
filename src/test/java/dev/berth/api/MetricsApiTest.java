package dev.berth.api;

import static dev.berth.api.ApiTestSupport.OCI_MANIFEST;
import static dev.berth.api.ApiTestSupport.OCTET_STREAM;
import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.pushImage;
import static dev.berth.api.ApiTestSupport.randomBytes;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;
import static dev.berth.api.ApiTestSupport.startUpload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.ApiTestSupport.Pushed;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * {@code /q/metrics} after a push and a pull: HTTP requests by route template, bytes, storage
 * operations, the upload gauge; never a repository name, tag or upload id. Other classes share
 * this registry, so counts are compared before and after.
 */
@QuarkusTest
class MetricsApiTest {
  static final String REQUESTS = "berth_http_requests_seconds_count";
  static final String MANIFEST = "/v2/{name}/manifests/{reference}";
  static final String UPLOAD = "/v2/{name}/blobs/uploads/{uuid}";

  @Test
  void pushAndPull_countedByRouteTemplate_withoutNames() {
    String repo = repo("metrics-hidden-name");
    String tag = "tag-" + repo;
    MetricsScrape before = MetricsScrape.now();
    byte[] layer = randomBytes(3000);
    String location = startUpload(repo);
    String next = api().contentType(OCTET_STREAM).body(layer).patch(location).then().statusCode(202).extract().header("Location");
    api().queryParam("digest", sha256(layer)).put(next).then().statusCode(201);
    Pushed p = pushImage(repo, tag);
    api().get("/v2/" + repo + "/manifests/" + tag).then().statusCode(200);
    api().header("Accept", OCI_MANIFEST).get("/v2/" + repo + "/manifests/" + p.digest()).then().statusCode(200);
    api().get("/v2/" + repo + "/manifests/no-such-tag").then().statusCode(404);
    api().get("/v2/" + repo + "/blobs/" + sha256(layer)).then().statusCode(200);
    MetricsScrape after = MetricsScrape.now();

    assertEquals(1, after.delta(before, REQUESTS, "route", MANIFEST, "method", "PUT", "status", "201"));
    assertEquals(2, after.delta(before, REQUESTS, "route", MANIFEST, "method", "GET", "status", "200"));
    assertEquals(1, after.delta(before, REQUESTS, "route", MANIFEST, "method", "GET", "status", "404"));
    assertEquals(1, after.delta(before, REQUESTS, "route", UPLOAD, "method", "PATCH", "status", "202"));
    assertEquals(1, after.delta(before, REQUESTS, "route", UPLOAD, "method", "PUT", "status", "201"));
    assertEquals(1, after.delta(before, REQUESTS, "route", "/v2/{name}/blobs/{digest}", "method", "GET", "status", "200"));
    // 3 monolithic POSTs (config, layer of pushImage) and one session start
    assertTrue(after.delta(before, REQUESTS, "route", "/v2/{name}/blobs/uploads/", "method", "POST") >= 3);
    assertTrue(after.lines("berth_http_requests_seconds_bucket", "route", MANIFEST, "method", "GET", "le", "0.001").size() > 0);

    assertTrue(after.delta(before, "berth_http_received_bytes_total", "route", UPLOAD) >= layer.length);
    assertTrue(after.delta(before, "berth_http_received_bytes_total", "route", MANIFEST) >= p.bytes().length);
    assertTrue(after.delta(before, "berth_http_sent_bytes_total", "route", MANIFEST) >= 2 * p.bytes().length);
    assertTrue(after.delta(before, "berth_http_sent_bytes_total", "route", "/v2/{name}/blobs/{digest}") >= layer.length);

    assertTrue(after.delta(before, "berth_storage_operations_seconds_count", "driver", "memory", "operation", "append", "outcome", "ok") >= 3);
    assertTrue(after.delta(before, "berth_storage_operations_seconds_count", "driver", "memory", "operation", "commit", "outcome", "ok") >= 3);
    assertTrue(after.delta(before, "berth_storage_operations_seconds_count", "driver", "memory", "operation", "get_small") >= 2);
    assertEquals(1, after.lines("berth_uploads_in_progress").size());
    assertEquals(0, after.value("berth_uploads_in_progress"));
    assertTrue(after.lines("jvm_memory_used_bytes").size() > 0, "Quarkus' JVM binders stay");
    assertTrue(after.lines("http_server_requests_seconds_count").isEmpty(), "Quarkus' HTTP binder (uri label) is off");

    assertFalse(after.text().contains(repo), "a repository name in /q/metrics");
    assertFalse(after.text().contains("hidden-name"), "a repository name in /q/metrics");
    assertFalse(after.text().contains(location.substring(location.lastIndexOf('/') + 1)), "an upload id in /q/metrics");
    assertFalse(after.text().contains(p.digest().substring(7)), "a digest in /q/metrics");
  }

  @Test
  void unknownPaths_oneOtherRoute() {
    MetricsScrape before = MetricsScrape.now();
    api().get("/scanner/wp-login.php").then().statusCode(404);
    api().get("/v2/UPPER/manifests/x").then().statusCode(400);
    MetricsScrape after = MetricsScrape.now();
    assertEquals(2, after.delta(before, REQUESTS, "route", "other", "method", "GET"));
    assertFalse(after.text().contains("wp-login") || after.text().contains("UPPER"));
  }
}
