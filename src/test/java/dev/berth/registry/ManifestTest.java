package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestTest {
  private static final String OCI_MANIFEST = MediaTypes.OCI_MANIFEST;
  private static final String OCI_INDEX = MediaTypes.OCI_INDEX;
  private static final String DOCKER_MANIFEST = MediaTypes.DOCKER_MANIFEST;
  private static final String DOCKER_LIST = MediaTypes.DOCKER_MANIFEST_LIST;
  private static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
  private static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
  private static final String D1 = "sha256:" + "1".repeat(64);
  private static final String D2 = "sha256:" + "2".repeat(64);
  private static final String D3 = "sha256:" + "3".repeat(64);
  private static final String D4 = "sha512:" + "4".repeat(128);

  private static String descriptor(String mediaType, String digest, long size) {
    return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
  }

  /** An image manifest; mediaType null: the field is left out; extra: more top-level fields. */
  private static String image(String mediaType, String extra) {
    return "{\"schemaVersion\":2,"
        + (mediaType != null ? "\"mediaType\":\"" + mediaType + "\"," : "")
        + "\"config\":" + descriptor(CONFIG_TYPE, D1, 7) + ","
        + "\"layers\":[" + descriptor(LAYER_TYPE, D2, 100) + "," + descriptor(LAYER_TYPE, D3, 200) + "]"
        + (extra != null ? "," + extra : "")
        + "}";
  }

  private static String index(String mediaType, String extra) {
    return "{\"schemaVersion\":2,"
        + (mediaType != null ? "\"mediaType\":\"" + mediaType + "\"," : "")
        + "\"manifests\":[" + descriptor(OCI_MANIFEST, D1, 500) + "," + descriptor(OCI_MANIFEST, D4, 600) + "]"
        + (extra != null ? "," + extra : "")
        + "}";
  }

  private static Manifest parse(String json, String contentType) {
    return Manifest.parse(json.getBytes(StandardCharsets.UTF_8), contentType);
  }

  private static void assertInvalid(String json, String contentType) {
    RegistryException e = assertThrows(RegistryException.class, () -> parse(json, contentType));
    assertEquals(ErrorCode.MANIFEST_INVALID, e.code(), e.detail());
    assertEquals(400, e.code().status());
  }

  // --- media type ---

  @Test
  void mediaType_fromField() {
    assertEquals(OCI_MANIFEST, parse(image(OCI_MANIFEST, null), null).mediaType());
    assertEquals(DOCKER_MANIFEST, parse(image(DOCKER_MANIFEST, null), null).mediaType());
    assertEquals(OCI_INDEX, parse(index(OCI_INDEX, null), null).mediaType());
    assertEquals(DOCKER_LIST, parse(index(DOCKER_LIST, null), null).mediaType());
  }

  @Test
  void mediaType_fieldAndMatchingContentType() {
    assertEquals(DOCKER_MANIFEST, parse(image(DOCKER_MANIFEST, null), DOCKER_MANIFEST).mediaType());
  }

  @Test
  void mediaType_contentTypeParametersAndCaseIgnored() {
    assertEquals(OCI_MANIFEST, parse(image(OCI_MANIFEST, null), OCI_MANIFEST + "; charset=utf-8").mediaType());
    assertEquals(OCI_MANIFEST, parse(image(OCI_MANIFEST, null), OCI_MANIFEST.toUpperCase()).mediaType());
  }

  @Test
  void mediaType_fromContentTypeWhenNoField() {
    assertEquals(OCI_MANIFEST, parse(image(null, null), OCI_MANIFEST).mediaType());
    assertEquals(DOCKER_MANIFEST, parse(image(null, null), DOCKER_MANIFEST).mediaType());
    assertEquals(OCI_INDEX, parse(index(null, null), OCI_INDEX).mediaType());
    assertEquals(DOCKER_LIST, parse(index(null, null), DOCKER_LIST).mediaType());
  }

  @Test
  void mediaType_fieldWinsOverGenericContentType() {
    assertEquals(DOCKER_MANIFEST, parse(image(DOCKER_MANIFEST, null), "application/json").mediaType());
    assertEquals(OCI_INDEX, parse(index(OCI_INDEX, null), "application/octet-stream").mediaType());
  }

  @Test
  void mediaType_fieldDiffersFromContentType_isManifestInvalid() {
    assertInvalid(image(OCI_MANIFEST, null), DOCKER_MANIFEST);
    assertInvalid(image(DOCKER_MANIFEST, null), OCI_MANIFEST);
    assertInvalid(index(OCI_INDEX, null), DOCKER_LIST);
    assertInvalid(image(OCI_MANIFEST, null), OCI_INDEX);
  }

  @Test
  void mediaType_inferredFromShapeWhenNeitherGiven() {
    assertEquals(OCI_MANIFEST, parse(image(null, null), null).mediaType());
    assertEquals(OCI_INDEX, parse(index(null, null), null).mediaType());
  }

  @Test
  void mediaType_inferredFromShapeWithGenericContentType() {
    assertEquals(OCI_MANIFEST, parse(image(null, null), "application/json").mediaType());
    assertEquals(OCI_INDEX, parse(index(null, null), "application/octet-stream").mediaType());
  }

  @Test
  void mediaType_unsupportedField_isManifestInvalid() {
    assertInvalid(image("application/vnd.docker.distribution.manifest.v1+json", null), null);
    assertInvalid(image("text/plain", null), null);
  }

  @Test
  void mediaType_unsupportedContentTypeWithoutField_isManifestInvalid() {
    assertInvalid(image(null, null), "text/plain");
    assertInvalid(image(null, null), "application/vnd.docker.distribution.manifest.v1+prettyjws");
  }

  @Test
  void mediaType_shapeDoesNotMatchType_isManifestInvalid() {
    assertInvalid(image(null, null), OCI_INDEX);
    assertInvalid(index(null, null), OCI_MANIFEST);
    assertInvalid(index(DOCKER_LIST, "\"config\":" + descriptor(CONFIG_TYPE, D1, 1)), null);
    assertInvalid(image(OCI_MANIFEST, "\"manifests\":[]"), null);
  }

  // --- schema ---

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "not json", "[]", "\"a string\"", "42", "null"})
  void parse_notAJsonObject_isManifestInvalid(String body) {
    assertInvalid(body, OCI_MANIFEST);
  }

  @Test
  void schemaVersion_mustBe2() {
    String noVersion = image(OCI_MANIFEST, null).replace("\"schemaVersion\":2,", "");
    assertInvalid(noVersion, null);
    assertInvalid(image(OCI_MANIFEST, null).replace("\"schemaVersion\":2", "\"schemaVersion\":1"), null);
    assertInvalid(image(OCI_MANIFEST, null).replace("\"schemaVersion\":2", "\"schemaVersion\":\"2\""), null);
    assertInvalid(image(OCI_MANIFEST, null).replace("\"schemaVersion\":2", "\"schemaVersion\":3"), null);
  }

  @Test
  void manifest_withoutConfig_isManifestInvalid() {
    assertInvalid("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"layers\":[]}", null);
  }

  @Test
  void manifest_withoutLayersArray_isManifestInvalid() {
    String base = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":" + descriptor(CONFIG_TYPE, D1, 7);
    assertInvalid(base + "}", null);
    assertInvalid(base + ",\"layers\":{}}", null);
  }

  @Test
  void index_withoutManifestsArray_isManifestInvalid() {
    assertInvalid("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\"}", null);
    assertInvalid("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":{}}", null);
  }

  // --- descriptors ---

  @Test
  void descriptors_configThenLayersInOrder() {
    Manifest m = parse(image(OCI_MANIFEST, null), null);
    assertEquals(3, m.blobs().size());
    assertEquals(List.of(D1, D2, D3), m.blobs().stream().map(b -> b.digest().toString()).toList());
    assertEquals(CONFIG_TYPE, m.blobs().get(0).mediaType());
    assertEquals(7, m.blobs().get(0).size());
    assertEquals(LAYER_TYPE, m.blobs().get(1).mediaType());
    assertEquals(200, m.blobs().get(2).size());
    assertTrue(m.children().isEmpty());
    assertFalse(m.blobs().get(1).foreign());
  }

  @Test
  void descriptors_indexChildren() {
    Manifest m = parse(index(OCI_INDEX, null), null);
    assertTrue(m.blobs().isEmpty());
    assertEquals(List.of(D1, D4), m.children().stream().map(c -> c.digest().toString()).toList());
    assertEquals(600, m.children().get(1).size());
  }

  @Test
  void descriptors_emptyLayersAndEmptyIndexAreValid() {
    String image = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":"
        + descriptor(CONFIG_TYPE, D1, 2) + ",\"layers\":[]}";
    assertEquals(1, parse(image, null).blobs().size());
    assertTrue(parse("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":[]}", null).children().isEmpty());
  }

  @Test
  void descriptor_missingField_isManifestInvalid() {
    String good = descriptor(LAYER_TYPE, D2, 100);
    for (String bad : new String[] {
        "{\"digest\":\"" + D2 + "\",\"size\":1}",
        "{\"mediaType\":\"" + LAYER_TYPE + "\",\"size\":1}",
        "{\"mediaType\":\"" + LAYER_TYPE + "\",\"digest\":\"" + D2 + "\"}",
        "\"" + D2 + "\"",
        "null"}) {
      assertInvalid(image(OCI_MANIFEST, null).replace(good, bad), null);
    }
  }

  @Test
  void descriptor_badSize_isManifestInvalid() {
    String good = descriptor(LAYER_TYPE, D2, 100);
    assertInvalid(image(OCI_MANIFEST, null).replace(good, descriptor(LAYER_TYPE, D2, -1)), null);
    assertInvalid(image(OCI_MANIFEST, null).replace(good, good.replace("100", "\"100\"")), null);
    assertInvalid(image(OCI_MANIFEST, null).replace(good, good.replace("100", "1.5")), null);
  }

  @Test
  void descriptor_badDigest_isManifestInvalid() {
    String good = descriptor(LAYER_TYPE, D2, 100);
    assertInvalid(image(OCI_MANIFEST, null).replace(good, descriptor(LAYER_TYPE, "sha256:totallywrong", 100)), null);
    assertInvalid(image(OCI_MANIFEST, null).replace(good, descriptor(LAYER_TYPE, "md5:" + "a".repeat(32), 100)), null);
  }

  @Test
  void descriptor_withUrlsOrForeignType_isForeign() {
    String good = descriptor(LAYER_TYPE, D2, 100);
    String withUrls = "{\"mediaType\":\"" + LAYER_TYPE + "\",\"digest\":\"" + D2 + "\",\"size\":100,"
        + "\"urls\":[\"https://example.com/layer\"]}";
    assertTrue(parse(image(OCI_MANIFEST, null).replace(good, withUrls), null).blobs().get(1).foreign());
    String foreign = descriptor("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", D2, 100);
    assertTrue(parse(image(DOCKER_MANIFEST, null).replace(good, foreign), null).blobs().get(1).foreign());
    String nondistributable = descriptor("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", D2, 100);
    assertTrue(parse(image(OCI_MANIFEST, null).replace(good, nondistributable), null).blobs().get(1).foreign());
  }

  // --- subject, artifactType, annotations ---

  @Test
  void subject_parsed() {
    Manifest m = parse(image(OCI_MANIFEST, "\"subject\":" + descriptor(OCI_MANIFEST, D4, 321)), null);
    assertTrue(m.subject().isPresent());
    assertEquals(D4, m.subject().get().digest().toString());
    assertEquals(321, m.subject().get().size());
  }

  @Test
  void subject_absent() {
    assertTrue(parse(image(OCI_MANIFEST, null), null).subject().isEmpty());
  }

  @Test
  void subject_onIndex() {
    Manifest m = parse(index(OCI_INDEX, "\"subject\":" + descriptor(OCI_MANIFEST, D3, 9)), null);
    assertEquals(D3, m.subject().orElseThrow().digest().toString());
  }

  @Test
  void subject_malformed_isManifestInvalid() {
    assertInvalid(image(OCI_MANIFEST, "\"subject\":{\"digest\":\"" + D4 + "\"}"), null);
    assertInvalid(image(OCI_MANIFEST, "\"subject\":\"" + D4 + "\""), null);
  }

  @Test
  void artifactType_fromField() {
    Manifest m = parse(image(OCI_MANIFEST, "\"artifactType\":\"application/vnd.example.sbom\""), null);
    assertEquals("application/vnd.example.sbom", m.artifactType());
  }

  @Test
  void artifactType_fallsBackToConfigMediaType() {
    assertEquals(CONFIG_TYPE, parse(image(OCI_MANIFEST, null), null).artifactType());
  }

  @Test
  void artifactType_ofIndexWithoutField_isNull() {
    assertNull(parse(index(OCI_INDEX, null), null).artifactType());
    assertEquals("application/vnd.example.bundle",
        parse(index(OCI_INDEX, "\"artifactType\":\"application/vnd.example.bundle\""), null).artifactType());
  }

  @Test
  void annotations_keptWhenAnObjectOfStrings_elseInvalid() {
    Manifest m = parse(image(OCI_MANIFEST, "\"annotations\":{\"org.example.key\":\"value\"}"), null);
    assertEquals("value", m.annotations().get("org.example.key").asText());
    assertNull(parse(image(OCI_MANIFEST, null), null).annotations());
    for (String bad : new String[] {"[1]", "{\"k\":1}", "\"s\"", "{\"k\":{}}"}) {
      RegistryException e = assertThrows(RegistryException.class, () -> parse(image(OCI_MANIFEST, "\"annotations\":" + bad), null));
      assertEquals(ErrorCode.MANIFEST_INVALID, e.code(), bad);
    }
  }

  @Test
  void descriptor_artifactTypeAndAnnotationsRoundTripToJson() {
    String child = "{\"mediaType\":\"" + OCI_MANIFEST + "\",\"digest\":\"" + D1 + "\",\"size\":5,"
        + "\"artifactType\":\"application/vnd.example\",\"annotations\":{\"k\":\"v\"}}";
    Manifest m = parse("{\"schemaVersion\":2,\"manifests\":[" + child + "]}", OCI_INDEX);
    Descriptor d = m.children().get(0);
    assertEquals("application/vnd.example", d.artifactType());
    var json = d.toJson();
    assertEquals(OCI_MANIFEST, json.get("mediaType").asText());
    assertEquals(D1, json.get("digest").asText());
    assertEquals(5, json.get("size").asLong());
    assertEquals("application/vnd.example", json.get("artifactType").asText());
    assertEquals("v", json.get("annotations").get("k").asText());
  }
}
