package dev.berth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An OCI image layout on disk ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/...}),
 * written in Java so a test knows every byte and digest that a client will push: gzip tar layers,
 * config JSON, image manifests, image indexes. Also reads layouts that clients wrote back.
 *
 * @see <a href="https://github.com/opencontainers/image-spec/blob/main/image-layout.md">image layout</a>
 */
final class OciLayout {
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  static final String REF_NAME = "org.opencontainers.image.ref.name";

  static final ObjectMapper JSON = new ObjectMapper();

  /** Content stored in the layout under its digest. */
  record Blob(String mediaType, String digest, byte[] bytes) {
    long size() {
      return bytes.length;
    }

    ObjectNode descriptor() {
      ObjectNode d = JSON.createObjectNode();
      d.put("mediaType", mediaType).put("digest", digest).put("size", bytes.length);
      return d;
    }
  }

  /** An image: its manifest, config and layers (each layer a gzip tar). */
  record Image(String architecture, Blob manifest, Blob config, List<Blob> layers) {
    List<String> layerDigests() {
      return layers.stream().map(Blob::digest).toList();
    }

    /** Config and layers, what a manifest refers to. */
    List<Blob> blobs() {
      List<Blob> all = new ArrayList<>();
      all.add(config);
      all.addAll(layers);
      return all;
    }
  }

  private final Path dir;
  private final ArrayNode refs = JSON.createArrayNode();

  private OciLayout(Path dir) {
    this.dir = dir;
  }

  /** Starts an empty layout in {@code dir} (created if missing). */
  static OciLayout create(Path dir) {
    OciLayout l = new OciLayout(dir);
    try {
      Files.createDirectories(dir.resolve("blobs/sha256"));
      Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    l.writeIndex();
    return l;
  }

  Path dir() {
    return dir;
  }

  /** Stores the bytes as a blob. */
  Blob put(String mediaType, byte[] bytes) {
    String digest = sha256(bytes);
    try {
      Files.write(blobPath(dir, digest), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Blob(mediaType, digest, bytes);
  }

  /**
   * Builds and stores a linux image for the architecture with one gzip layer per map of files.
   * The config carries the layers' diff_ids and one history entry per layer, as builders write.
   */
  @SafeVarargs
  final Image image(String architecture, Map<String, byte[]>... layerFiles) {
    List<Blob> layers = new ArrayList<>();
    ArrayNode diffIds = JSON.createArrayNode();
    ArrayNode history = JSON.createArrayNode();
    for (Map<String, byte[]> files : layerFiles) {
      byte[] tar = Tar.tar(files);
      diffIds.add(sha256(tar));
      layers.add(put(OCI_LAYER_GZIP, Tar.gzip(tar)));
      history.addObject().put("created", "2024-01-01T00:00:00Z").put("created_by", "berth-it: " + String.join(" ", files.keySet()));
    }
    ObjectNode config = JSON.createObjectNode();
    config.put("created", "2024-01-01T00:00:00Z").put("architecture", architecture).put("os", "linux");
    config.putObject("config").putArray("Cmd").add("/bin/true");
    ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
    rootfs.set("diff_ids", diffIds);
    config.set("history", history);
    Blob configBlob = put(OCI_CONFIG, bytes(config));

    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2).put("mediaType", OCI_MANIFEST);
    manifest.set("config", configBlob.descriptor());
    ArrayNode layerArray = manifest.putArray("layers");
    layers.forEach(b -> layerArray.add(b.descriptor()));
    manifest.putObject("annotations").put("org.opencontainers.image.title", "berth-it " + architecture);
    return new Image(architecture, put(OCI_MANIFEST, bytes(manifest)), configBlob, List.copyOf(layers));
  }

  /** Builds and stores an OCI image index over linux images, one platform entry per image. */
  Blob index(List<Image> images) {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2).put("mediaType", OCI_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    for (Image i : images) {
      ObjectNode d = i.manifest().descriptor();
      d.putObject("platform").put("architecture", i.architecture()).put("os", "linux");
      manifests.add(d);
    }
    return put(OCI_INDEX, bytes(index));
  }

  /** Names a manifest or index in {@code index.json}, as {@code oci:<dir>:<name>} refers to it. */
  OciLayout tag(String name, Blob manifestOrIndex) {
    ObjectNode d = manifestOrIndex.descriptor();
    d.putObject("annotations").put(REF_NAME, name);
    refs.add(d);
    writeIndex();
    return this;
  }

  private void writeIndex() {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.set("manifests", refs);
    try {
      Files.write(dir.resolve("index.json"), bytes(index));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // --- reading layouts, wherever they came from ---

  static Path blobPath(Path layout, String digest) {
    int colon = digest.indexOf(':');
    return layout.resolve("blobs").resolve(digest.substring(0, colon)).resolve(digest.substring(colon + 1));
  }

  /** A blob of a layout; fails when it is missing or its bytes do not match its digest. */
  static byte[] readBlob(Path layout, String digest) {
    try {
      byte[] b = Files.readAllBytes(blobPath(layout, digest));
      if (!sha256(b).equals(digest)) {
        throw new AssertionError("blob " + digest + " in " + layout + " has digest " + sha256(b));
      }
      return b;
    } catch (IOException e) {
      throw new AssertionError("layout " + layout + " has no blob " + digest, e);
    }
  }

  /** The descriptor that {@code index.json} names {@code name}, if any. */
  static Optional<JsonNode> ref(Path layout, String name) {
    for (JsonNode d : json(read(layout.resolve("index.json"))).path("manifests")) {
      if (name.equals(d.path("annotations").path(REF_NAME).asText(null))) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /** Every blob file of a layout by digest. */
  static Map<String, byte[]> allBlobs(Path layout) {
    Map<String, byte[]> all = new LinkedHashMap<>();
    try (var files = Files.list(layout.resolve("blobs/sha256"))) {
      for (Path p : files.sorted().toList()) {
        all.put("sha256:" + p.getFileName(), Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }

  // --- small shared utilities ---

  static String sha256(byte[] bytes) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + new String(bytes, java.nio.charset.StandardCharsets.UTF_8), e);
    }
  }

  static JsonNode json(String text) {
    return json(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The digests a manifest's {@code layers} name, in order. */
  static List<String> layerDigests(JsonNode manifest) {
    List<String> d = new ArrayList<>();
    manifest.path("layers").forEach(l -> d.add(l.path("digest").asText()));
    return d;
  }

  /** A map of files, in order, from name/content pairs. */
  static Map<String, byte[]> files(String... nameThenContent) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < nameThenContent.length; i += 2) {
      m.put(nameThenContent[i], nameThenContent[i + 1].getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return m;
  }
}
