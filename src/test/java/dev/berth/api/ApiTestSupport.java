package dev.berth.api;

import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RedirectConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shared helpers of the API tests: requests that leave bodies alone, unique repository names
 * (every test class of a run shares one in-memory registry), and pushing blobs and manifests.
 */
final class ApiTestSupport {
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
  static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  static final String OCTET_STREAM = "application/octet-stream";
  static final String EMPTY_SHA256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  static final String API_VERSION = "Docker-Distribution-API-Version";

  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final String RUN = Long.toString(System.nanoTime() & 0xffffff, 36);
  private static final Random RANDOM = new Random();
  private static final Pattern LINK = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");
  private static final Pattern UPLOAD_LOCATION = Pattern.compile("/v2/(.+)/blobs/uploads/([0-9a-f-]{36})");

  /** No charset added to Content-Type, no redirects followed: the registry sees what the test sends. */
  private static final RestAssuredConfig CONFIG = RestAssuredConfig.config()
      .encoderConfig(EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false))
      .redirect(RedirectConfig.redirectConfig().followRedirects(false));

  private ApiTestSupport() {}

  static RequestSpecification api() {
    return RestAssured.given().config(CONFIG);
  }

  /** A repository name no other test uses: {@code <area>-<run>-<n>}. */
  static String repo(String area) {
    return area + "-" + RUN + "-" + COUNTER.incrementAndGet();
  }

  // --- digests and content ---

  static String sha256(byte[] data) {
    return digest("sha256", "SHA-256", data);
  }

  static String sha512(byte[] data) {
    return digest("sha512", "SHA-512", data);
  }

  private static String digest(String id, String jca, byte[] data) {
    try {
      return id + ":" + HexFormat.of().formatHex(MessageDigest.getInstance(jca).digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  static byte[] slice(byte[] data, int from, int toExclusive) {
    return java.util.Arrays.copyOfRange(data, from, toExclusive);
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] all = new byte[n];
    int pos = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, pos, p.length);
      pos += p.length;
    }
    return all;
  }

  // --- blobs ---

  /** A blob as a manifest refers to it. */
  record Blob(String mediaType, String digest, long size) {
    ObjectNode descriptor() {
      return ApiTestSupport.descriptor(mediaType, digest, size);
    }
  }

  /** Pushes a blob with a monolithic {@code POST ?digest=}; returns its digest. */
  static String pushBlob(String repo, byte[] content) {
    String digest = sha256(content);
    api().contentType(OCTET_STREAM).queryParam("digest", digest).body(content)
        .post("/v2/" + repo + "/blobs/uploads/")
        .then().statusCode(201).header("Docker-Content-Digest", digest);
    return digest;
  }

  static Blob pushBlob(String repo, String mediaType, byte[] content) {
    return new Blob(mediaType, pushBlob(repo, content), content.length);
  }

  /** A fresh image config blob (unique, so that images of different tests never share it). */
  static Blob pushConfig(String repo) {
    return pushConfig(repo, OCI_CONFIG);
  }

  static Blob pushConfig(String repo, String mediaType) {
    String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
        + "\"config\":{\"Labels\":{\"test\":\"" + repo + "-" + COUNTER.incrementAndGet() + "\"}}}";
    return pushBlob(repo, mediaType, config.getBytes(StandardCharsets.UTF_8));
  }

  static Blob pushLayer(String repo) {
    return pushLayer(repo, OCI_LAYER);
  }

  static Blob pushLayer(String repo, String mediaType) {
    return pushBlob(repo, mediaType, randomBytes(512 + RANDOM.nextInt(512)));
  }

  /** Starts an upload session; returns its Location. */
  static String startUpload(String repo) {
    return api().post("/v2/" + repo + "/blobs/uploads/")
        .then().statusCode(202).extract().header("Location");
  }

  /** The uuid at the end of an upload Location. */
  static String uploadUuid(String location) {
    Matcher m = UPLOAD_LOCATION.matcher(location);
    if (!m.matches()) {
      throw new AssertionError("not an upload location: " + location);
    }
    return m.group(2);
  }

  // --- manifests ---

  static ObjectNode descriptor(String mediaType, String digest, long size) {
    return MAPPER.createObjectNode().put("mediaType", mediaType).put("digest", digest).put("size", size);
  }

  /** An image manifest; mediaType null leaves the field out. */
  static ObjectNode image(String mediaType, Blob config, Blob... layers) {
    ObjectNode m = MAPPER.createObjectNode().put("schemaVersion", 2);
    if (mediaType != null) {
      m.put("mediaType", mediaType);
    }
    m.set("config", config.descriptor());
    ArrayNode l = m.putArray("layers");
    for (Blob b : layers) {
      l.add(b.descriptor());
    }
    return m;
  }

  /** An index of pushed manifests; mediaType null leaves the field out. */
  static ObjectNode index(String mediaType, Pushed... manifests) {
    ObjectNode m = MAPPER.createObjectNode().put("schemaVersion", 2);
    if (mediaType != null) {
      m.put("mediaType", mediaType);
    }
    ArrayNode list = m.putArray("manifests");
    for (Pushed p : manifests) {
      ObjectNode d = p.descriptor();
      d.putObject("platform").put("architecture", "amd64").put("os", "linux");
      list.add(d);
    }
    return m;
  }

  static byte[] bytes(JsonNode json) {
    try {
      return MAPPER.writeValueAsBytes(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode parse(byte[] json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A manifest in the registry: its media type, digest and exact bytes. */
  record Pushed(String mediaType, String digest, byte[] bytes) {
    ObjectNode descriptor() {
      return ApiTestSupport.descriptor(mediaType, digest, bytes.length);
    }
  }

  static Response putManifest(String repo, String reference, String contentType, byte[] body) {
    RequestSpecification r = api().body(body);
    r = contentType != null ? r.contentType(contentType) : r.noContentType();
    return r.put("/v2/" + repo + "/manifests/" + reference);
  }

  /** Pushes a manifest and checks the 201; returns what was pushed. */
  static Pushed pushManifest(String repo, String reference, String mediaType, byte[] body) {
    String digest = sha256(body);
    putManifest(repo, reference, mediaType, body).then()
        .statusCode(201)
        .header("Docker-Content-Digest", digest)
        .header("Location", "/v2/" + repo + "/manifests/" + digest);
    return new Pushed(mediaType, digest, body);
  }

  static Pushed pushManifest(String repo, String reference, ObjectNode manifest) {
    return pushManifest(repo, reference, manifest.get("mediaType").asText(), bytes(manifest));
  }

  /** Pushes a fresh one-layer OCI image and tags it (reference: a tag, or null to push by digest). */
  static Pushed pushImage(String repo, String reference) {
    byte[] body = bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo)));
    return pushManifest(repo, reference != null ? reference : sha256(body), OCI_MANIFEST, body);
  }

  // --- responses ---

  /** Checks an OCI error response: status, JSON content type and the code of its first error. */
  static void assertError(Response r, int status, String code) {
    r.then()
        .statusCode(status)
        .contentType(startsWith("application/json"))
        .body("errors[0].code", equalTo(code))
        .body("errors[0].message", not(emptyOrNullString()));
  }

  /** The target of a {@code Link: <...>; rel="next"} header, or null when there is none. */
  static String nextLink(Response r) {
    String link = r.header("Link");
    if (link == null) {
      return null;
    }
    Matcher m = LINK.matcher(link);
    if (!m.matches()) {
      throw new AssertionError("malformed Link header: " + link);
    }
    return m.group(1);
  }

  /** Follows a Link target exactly as the server wrote it (already URL-encoded). */
  static Response follow(String link) {
    return api().urlEncodingEnabled(false).get(link);
  }
}
