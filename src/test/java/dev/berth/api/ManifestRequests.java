package dev.berth.api;

import static dev.berth.api.ApiTestSupport.MAPPER;
import static dev.berth.api.ApiTestSupport.api;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.ApiTestSupport.Pushed;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;

/** The manifest requests and checks of the manifest API tests, written once. */
final class ManifestRequests {
  private ManifestRequests() {}

  static final int MAX_MANIFEST = 4 * 1024 * 1024;

  static String manifest(String repo, String reference) {
    return "/v2/" + repo + "/manifests/" + reference;
  }

  static void assertGet(String repo, String reference, Pushed expected) {
    Response r = api().get(manifest(repo, reference));
    r.then()
        .statusCode(200)
        .header("Content-Type", expected.mediaType())
        .header("Docker-Content-Digest", expected.digest())
        .header("Content-Length", String.valueOf(expected.bytes().length));
    assertArrayEquals(expected.bytes(), r.asByteArray(), "the exact bytes pushed");
  }

  static void assertHead(String repo, String reference, Pushed expected) {
    Response r = api().head(manifest(repo, reference));
    r.then()
        .statusCode(200)
        .header("Content-Type", expected.mediaType())
        .header("Docker-Content-Digest", expected.digest())
        .header("Content-Length", String.valueOf(expected.bytes().length));
    assertEquals(0, r.asByteArray().length);
  }

  /** An OCI image manifest in unusual (but valid) formatting, so that re-serializing it would show. */
  static byte[] oddlyFormatted(ObjectNode manifest) throws Exception {
    String pretty = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(manifest);
    return ("\n  " + pretty.replace("\n", "\r\n\t") + "  \n").getBytes(StandardCharsets.UTF_8);
  }
}
