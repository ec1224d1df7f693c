package dev.berth.api;

import static dev.berth.api.ApiTestSupport.OCI_INDEX;
import static dev.berth.api.ApiTestSupport.OCI_MANIFEST;
import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.assertError;
import static dev.berth.api.ApiTestSupport.bytes;
import static dev.berth.api.ApiTestSupport.image;
import static dev.berth.api.ApiTestSupport.index;
import static dev.berth.api.ApiTestSupport.parse;
import static dev.berth.api.ApiTestSupport.pushBlob;
import static dev.berth.api.ApiTestSupport.pushConfig;
import static dev.berth.api.ApiTestSupport.pushImage;
import static dev.berth.api.ApiTestSupport.pushLayer;
import static dev.berth.api.ApiTestSupport.pushManifest;
import static dev.berth.api.ApiTestSupport.putManifest;
import static dev.berth.api.ApiTestSupport.randomBytes;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.ApiTestSupport.Pushed;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code GET /v2/<name>/referrers/<digest>?artifactType=}. */
@QuarkusTest
class ReferrersApiTest {
  private static final String SBOM = "application/vnd.example.sbom.v1+json";
  private static final String SIGNATURE_CONFIG = "application/vnd.example.signature.config.v1+json";
  private static final String EMPTY_CONFIG = "application/vnd.oci.empty.v1+json";

  private static String referrers(String repo, String digest) {
    return "/v2/" + repo + "/referrers/" + digest;
  }

  /** An artifact manifest about {@code subject}; artifactType null: the type is the config's. */
  private static Pushed pushArtifact(String repo, String subject, String artifactType, String configType,
      Map<String, String> annotations, String tag) {
    ObjectNode m = image(OCI_MANIFEST, ApiTestSupport.pushBlob(repo, configType, "{}".getBytes(StandardCharsets.UTF_8)),
        pushLayer(repo, "application/vnd.example.payload"));
    if (artifactType != null) {
      m.put("artifactType", artifactType);
    }
    m.set("subject", ApiTestSupport.descriptor(OCI_MANIFEST, subject, 123));
    if (annotations != null) {
      ObjectNode a = m.putObject("annotations");
      annotations.forEach(a::put);
    }
    byte[] body = bytes(m);
    Response r = putManifest(repo, tag != null ? tag : sha256(body), OCI_MANIFEST, body);
    r.then().statusCode(201).header("OCI-Subject", subject);
    return new Pushed(OCI_MANIFEST, sha256(body), body);
  }

  private static JsonNode list(Response r) {
    r.then().statusCode(200).header("Content-Type", OCI_INDEX);
    JsonNode index = parse(r.asByteArray());
    assertEquals(2, index.get("schemaVersion").asInt());
    assertEquals(OCI_INDEX, index.get("mediaType").asText());
    assertTrue(index.get("manifests").isArray());
    return index.get("manifests");
  }

  private static Map<String, JsonNode> byDigest(JsonNode manifests) {
    Map<String, JsonNode> m = new HashMap<>();
    manifests.forEach(d -> m.put(d.get("digest").asText(), d));
    return m;
  }

  @Test
  void referrers_listsManifestsWithThatSubject() {
    String repo = repo("referrers");
    Pushed app = pushImage(repo, "app");
    Pushed sbom = pushArtifact(repo, app.digest(), SBOM, EMPTY_CONFIG, Map.of("org.example.created", "today"), null);
    Pushed sig = pushArtifact(repo, app.digest(), null, SIGNATURE_CONFIG, null, "sig");
    pushImage(repo, "unrelated");

    JsonNode manifests = list(api().get(referrers(repo, app.digest())));
    assertEquals(2, manifests.size());
    Map<String, JsonNode> found = byDigest(manifests);

    JsonNode s = found.get(sbom.digest());
    assertEquals(OCI_MANIFEST, s.get("mediaType").asText());
    assertEquals(sbom.bytes().length, s.get("size").asLong());
    assertEquals(SBOM, s.get("artifactType").asText());
    assertEquals("today", s.get("annotations").get("org.example.created").asText());

    JsonNode g = found.get(sig.digest());
    assertEquals(sig.bytes().length, g.get("size").asLong());
    assertEquals(SIGNATURE_CONFIG, g.get("artifactType").asText(), "artifactType falls back to config.mediaType");
    assertNull(g.get("annotations"));
  }

  @Test
  void referrers_noFilter_noFiltersAppliedHeader() {
    String repo = repo("referrers");
    Pushed app = pushImage(repo, "app");
    pushArtifact(repo, app.digest(), SBOM, EMPTY_CONFIG, null, null);
    Response r = api().get(referrers(repo, app.digest()));
    r.then().statusCode(200);
    assertNull(r.header("OCI-Filters-Applied"));
  }

  @Test
  void referrers_artifactTypeFilter_onlyMatchingWithHeader() {
    String repo = repo("referrers");
    Pushed app = pushImage(repo, "app");
    Pushed sbom = pushArtifact(repo, app.digest(), SBOM, EMPTY_CONFIG, null, null);
    pushArtifact(repo, app.digest(), null, SIGNATURE_CONFIG, null, null);

    Response r = api().queryParam("artifactType", SBOM).get(referrers(repo, app.digest()));
    r.then().header("OCI-Filters-Applied", "artifactType");
    JsonNode manifests = list(r);
    assertEquals(1, manifests.size());
    assertEquals(sbom.digest(), manifests.get(0).get("digest").asText());

    Response byConfigType = api().queryParam("artifactType", SIGNATURE_CONFIG).get(referrers(repo, app.digest()));
    byConfigType.then().header("OCI-Filters-Applied", "artifactType");
    assertEquals(1, list(byConfigType).size());

    Response none = api().queryParam("artifactType", "application/vnd.example.none").get(referrers(repo, app.digest()));
    none.then().header("OCI-Filters-Applied", "artifactType");
    assertEquals(0, list(none).size());
  }

  @Test
  void referrers_noReferrers_200EmptyList() {
    String repo = repo("referrers");
    Pushed app = pushImage(repo, "app");
    assertEquals(0, list(api().get(referrers(repo, app.digest()))).size());
  }

  @Test
  void referrers_unknownDigestOrRepository_200EmptyList() {
    String repo = repo("referrers");
    pushBlob(repo, randomBytes(4));
    assertEquals(0, list(api().get(referrers(repo, sha256(randomBytes(8))))).size());
    assertEquals(0, list(api().get(referrers(repo("referrers"), sha256(randomBytes(8))))).size());
  }

  @Test
  void referrers_subjectNotPushed_stillListed() {
    String repo = repo("referrers");
    String absent = sha256(randomBytes(16));
    Pushed sbom = pushArtifact(repo, absent, SBOM, EMPTY_CONFIG, null, null);
    JsonNode manifests = list(api().get(referrers(repo, absent)));
    assertEquals(1, manifests.size());
    assertEquals(sbom.digest(), manifests.get(0).get("digest").asText());
  }

  @Test
  void referrers_indexAsReferrer() {
    String repo = repo("referrers");
    Pushed app = pushImage(repo, "app");
    Pushed child = pushImage(repo, null);
    ObjectNode idx = index(OCI_INDEX, child);
    idx.put("artifactType", "application/vnd.example.bundle");
    idx.set("subject", app.descriptor());
    Pushed p = pushManifest(repo, "bundle", idx);
    JsonNode manifests = list(api().get(referrers(repo, app.digest())));
    assertEquals(1, manifests.size());
    assertEquals(p.digest(), manifests.get(0).get("digest").asText());
    assertEquals(OCI_INDEX, manifests.get(0).get("mediaType").asText());
    assertEquals("application/vnd.example.bundle", manifests.get(0).get("artifactType").asText());
  }

  @Test
  void referrers_deletedReferrerRemoved() {
    String repo = repo("referrers");
    Pushed app = pushImage(repo, "app");
    Pushed keep = pushArtifact(repo, app.digest(), SBOM, EMPTY_CONFIG, null, null);
    Pushed gone = pushArtifact(repo, app.digest(), SBOM, EMPTY_CONFIG, Map.of("n", "2"), null);
    assertEquals(2, list(api().get(referrers(repo, app.digest()))).size());
    api().delete("/v2/" + repo + "/manifests/" + gone.digest()).then().statusCode(202);
    JsonNode manifests = list(api().get(referrers(repo, app.digest())));
    assertEquals(1, manifests.size());
    assertEquals(keep.digest(), manifests.get(0).get("digest").asText());
  }

  @Test
  void referrers_untaggedReferrerStillListed() {
    String repo = repo("referrers");
    Pushed app = pushImage(repo, "app");
    Pushed sig = pushArtifact(repo, app.digest(), null, SIGNATURE_CONFIG, null, "sig-tag");
    api().delete("/v2/" + repo + "/manifests/sig-tag").then().statusCode(202);
    JsonNode manifests = list(api().get(referrers(repo, app.digest())));
    assertEquals(1, manifests.size());
    assertEquals(sig.digest(), manifests.get(0).get("digest").asText());
  }

  @Test
  void referrers_deletingTheSubject_keepsReferrersListed() {
    String repo = repo("referrers");
    Pushed app = pushImage(repo, "app");
    pushArtifact(repo, app.digest(), SBOM, EMPTY_CONFIG, null, null);
    api().delete("/v2/" + repo + "/manifests/" + app.digest()).then().statusCode(202);
    assertEquals(1, list(api().get(referrers(repo, app.digest()))).size());
  }

  @Test
  void referrers_perRepository() {
    String a = repo("referrers");
    String b = repo("referrers");
    Pushed app = pushImage(a, "app");
    pushArtifact(a, app.digest(), SBOM, EMPTY_CONFIG, null, null);
    pushBlob(b, randomBytes(4));
    assertEquals(1, list(api().get(referrers(a, app.digest()))).size());
    assertEquals(0, list(api().get(referrers(b, app.digest()))).size());
  }

  @Test
  void referrers_rePushingTheSameReferrer_listedOnce() {
    String repo = repo("referrers");
    Pushed app = pushImage(repo, "app");
    Pushed sbom = pushArtifact(repo, app.digest(), SBOM, EMPTY_CONFIG, null, "one");
    pushManifest(repo, "two", OCI_MANIFEST, sbom.bytes());
    JsonNode manifests = list(api().get(referrers(repo, app.digest())));
    assertEquals(1, manifests.size());
    assertFalse(manifests.get(0).has("urls"));
  }

  @Test
  void referrers_invalidDigest_400DigestInvalid() {
    String repo = repo("referrers");
    assertError(api().get(referrers(repo, "sha256:totallywrong")), 400, "DIGEST_INVALID");
    assertError(api().get(referrers(repo, "md5:d41d8cd98f00b204e9800998ecf8427e")), 400, "DIGEST_INVALID");
  }

  @Test
  void referrers_invalidRepositoryName_400NameInvalid() {
    assertError(api().get(referrers("UPPER", sha256(randomBytes(4)))), 400, "NAME_INVALID");
  }
}
