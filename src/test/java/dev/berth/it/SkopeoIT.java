package dev.berth.it;

import static dev.berth.it.OciLayout.files;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * skopeo (containers/image, as podman and buildah use it) against the packaged registry: OCI
 * layouts written in Java and by umoci are pushed in OCI and Docker v2s2 form, inspected, listed,
 * copied back and compared byte for byte, deleted by digest, and an image index is copied with
 * {@code --all}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SkopeoIT {
  @RegisterExtension
  static final RegistryExtension REGISTRY = new RegistryExtension();

  private static String skopeo;
  private Path work;

  @BeforeAll
  static void tools() {
    skopeo = Cmd.require("skopeo", "skopeo");
    Cmd.require("umoci", "umoci");
    System.out.println("[versions] " + Cmd.version(skopeo, "--version") + "; " + Cmd.version("umoci", "--version"));
  }

  @BeforeEach
  void workDir() {
    work = TempDirs.create("berth-skopeo-");
  }

  @AfterEach
  void cleanWorkDir() {
    TempDirs.delete(work);
  }

  private static Cmd.Result skopeo(String... args) {
    List<String> cmd = new ArrayList<>(List.of(skopeo));
    cmd.addAll(List.of(args));
    return Cmd.of(cmd).env("TMPDIR", "/tmp").run();
  }

  private static Cmd.Result skopeoOk(String... args) {
    Cmd.Result r = skopeo(args);
    if (!r.succeeded()) {
      throw new AssertionError("skopeo failed:\n" + r.describe());
    }
    return r;
  }

  private String ref(String repoAndTag) {
    return "docker://" + REGISTRY.registry().hostPort() + "/" + repoAndTag;
  }

  /** A two-layer linux/amd64 image in a fresh layout, tagged {@code tag}. */
  private static OciLayout.Image twoLayerImage(OciLayout layout, String tag, String marker) {
    OciLayout.Image image = layout.image("amd64",
        files("etc/berth/base.txt", "base layer " + marker + "\n", "etc/berth/empty", ""),
        files("app/hello.txt", "hello from " + marker + "\n", "app/bin/run.sh", "#!/bin/sh\necho " + marker + "\n"));
    layout.tag(tag, image.manifest());
    return image;
  }

  private String digestFile(String name) {
    return RegistryHttp.readString(work.resolve(name));
  }

  @Test
  void copyOciLayout_formatOci_roundTripsByteIdentical() {
    OciLayout layout = OciLayout.create(work.resolve("src"));
    OciLayout.Image image = twoLayerImage(layout, "v1", "oci");
    String digest = image.manifest().digest();

    skopeoOk("copy", "--dest-tls-verify=false", "--format", "oci", "--digestfile", work.resolve("pushed").toString(),
        "oci:" + layout.dir() + ":v1", ref("skopeo/oci:v1"));
    assertEquals(digest, digestFile("pushed"), "skopeo pushed the layout's manifest unchanged");

    byte[] raw = skopeoOk("inspect", "--raw", "--tls-verify=false", ref("skopeo/oci:v1")).stdoutBytes();
    assertArrayEquals(image.manifest().bytes(), raw, "inspect --raw returns the pushed manifest bytes");
    RegistryHttp.Answer head = REGISTRY.http().head("/v2/skopeo/oci/manifests/v1");
    assertEquals(200, head.status());
    assertEquals(digest, head.header("Docker-Content-Digest"));
    assertEquals(OciLayout.OCI_MANIFEST, head.header("Content-Type"));
    assertEquals(String.valueOf(raw.length), head.header("Content-Length"));

    JsonNode inspected = OciLayout.json(skopeoOk("inspect", "--tls-verify=false", ref("skopeo/oci:v1")).stdout());
    assertEquals(digest, inspected.path("Digest").asText());
    assertEquals("amd64", inspected.path("Architecture").asText());
    List<String> layers = new ArrayList<>();
    inspected.path("Layers").forEach(l -> layers.add(l.asText()));
    assertEquals(image.layerDigests(), layers);

    // a second tag through a registry-to-registry copy, then the tag list
    skopeoOk("copy", "--src-tls-verify=false", "--dest-tls-verify=false", ref("skopeo/oci:v1"), ref("skopeo/oci:v2"));
    skopeoOk("copy", "--src-tls-verify=false", "--dest-tls-verify=false", ref("skopeo/oci:v1"), ref("skopeo/oci:V1.2.3-rc_4"));
    JsonNode tags = OciLayout.json(skopeoOk("list-tags", "--tls-verify=false", ref("skopeo/oci")).stdout());
    assertEquals(REGISTRY.registry().hostPort() + "/skopeo/oci", tags.path("Repository").asText());
    assertEquals(List.of("V1.2.3-rc_4", "v1", "v2"), texts(tags.path("Tags")), "every tag, in lexical (byte) order");
    assertEquals(digest, REGISTRY.http().head("/v2/skopeo/oci/manifests/v2").header("Docker-Content-Digest"));

    // and back into a new layout: the same manifest and the same blobs, byte for byte
    Path back = work.resolve("back");
    skopeoOk("copy", "--src-tls-verify=false", ref("skopeo/oci:v2"), "oci:" + back + ":back");
    assertEquals(digest, OciLayout.ref(back, "back").orElseThrow().path("digest").asText());
    assertArrayEquals(image.manifest().bytes(), OciLayout.readBlob(back, digest));
    for (OciLayout.Blob b : image.blobs()) {
      assertArrayEquals(b.bytes(), OciLayout.readBlob(back, b.digest()), "blob " + b.digest() + " round-trips");
    }
  }

  @Test
  void copyOciLayout_formatV2s2_storesTheConvertedManifestExactly() {
    OciLayout layout = OciLayout.create(work.resolve("src"));
    OciLayout.Image image = twoLayerImage(layout, "v1", "v2s2");

    skopeoOk("copy", "--dest-tls-verify=false", "--format", "v2s2", "--digestfile", work.resolve("pushed").toString(),
        "oci:" + layout.dir() + ":v1", ref("skopeo/nested/deep/v2s2:v1"));
    String pushed = digestFile("pushed");

    byte[] raw = skopeoOk("inspect", "--raw", "--tls-verify=false", ref("skopeo/nested/deep/v2s2:v1")).stdoutBytes();
    assertEquals(pushed, OciLayout.sha256(raw), "the registry serves exactly the manifest skopeo pushed");
    RegistryHttp.Answer head = REGISTRY.http().head("/v2/skopeo/nested/deep/v2s2/manifests/v1");
    assertEquals(200, head.status());
    assertEquals(pushed, head.header("Docker-Content-Digest"));
    assertEquals(OciLayout.DOCKER_MANIFEST, head.header("Content-Type"));
    RegistryHttp.Answer byDigest = REGISTRY.http().get("/v2/skopeo/nested/deep/v2s2/manifests/" + pushed);
    assertArrayEquals(raw, byDigest.body());

    JsonNode m = OciLayout.json(raw);
    assertEquals(OciLayout.DOCKER_MANIFEST, m.path("mediaType").asText());
    assertEquals(OciLayout.DOCKER_CONFIG, m.path("config").path("mediaType").asText());
    assertEquals(image.config().digest(), m.path("config").path("digest").asText(), "the config blob is reused");
    assertEquals(image.layerDigests(), OciLayout.layerDigests(m), "the layer blobs are reused");
    m.path("layers").forEach(l -> assertEquals(OciLayout.DOCKER_LAYER_GZIP, l.path("mediaType").asText()));
    for (OciLayout.Blob b : image.blobs()) {
      assertArrayEquals(b.bytes(), REGISTRY.http().blob("skopeo/nested/deep/v2s2", b.digest()));
    }

    // back into an OCI layout (skopeo converts the manifest to OCI again); the blobs are the originals
    Path back = work.resolve("back");
    skopeoOk("copy", "--src-tls-verify=false", ref("skopeo/nested/deep/v2s2:v1"), "oci:" + back + ":back");
    JsonNode backManifest = OciLayout.json(OciLayout.readBlob(back, OciLayout.ref(back, "back").orElseThrow().path("digest").asText()));
    assertEquals(image.config().digest(), backManifest.path("config").path("digest").asText());
    assertEquals(image.layerDigests(), OciLayout.layerDigests(backManifest));
    for (OciLayout.Blob b : image.blobs()) {
      assertArrayEquals(b.bytes(), OciLayout.readBlob(back, b.digest()), "blob " + b.digest() + " round-trips");
    }
  }

  @Test
  void copyUmociLayout_manifestWithoutMediaType_isAcceptedAndServedUnchanged() {
    Path layout = work.resolve("umoci");
    Path bundle = work.resolve("bundle");
    Cmd.of("umoci", "init", "--layout", layout.toString()).ok();
    Cmd.of("umoci", "new", "--image", layout + ":v1").ok();
    Cmd.of("umoci", "unpack", "--image", layout + ":v1", bundle.toString()).ok();
    writeString(bundle.resolve("rootfs/hello.txt"), "hello from umoci\n");
    writeString(bundle.resolve("rootfs/etc/berth.conf"), "answer = 42\n");
    Cmd.of("umoci", "repack", "--image", layout + ":v1", bundle.toString()).ok();
    Cmd.of("umoci", "config", "--image", layout + ":v1", "--config.cmd", "/hello.txt").ok();

    String digest = OciLayout.ref(layout, "v1").orElseThrow().path("digest").asText();
    byte[] manifest = OciLayout.readBlob(layout, digest);
    JsonNode m = OciLayout.json(manifest);
    assertFalse(m.has("mediaType"), "umoci writes manifests without a mediaType field (the case under test): "
        + new String(manifest, StandardCharsets.UTF_8));

    skopeoOk("copy", "--dest-tls-verify=false", "--format", "oci", "--digestfile", work.resolve("pushed").toString(),
        "oci:" + layout + ":v1", ref("skopeo/umoci:v1"));
    assertEquals(digest, digestFile("pushed"));
    assertArrayEquals(manifest, skopeoOk("inspect", "--raw", "--tls-verify=false", ref("skopeo/umoci:v1")).stdoutBytes());
    RegistryHttp.Answer head = REGISTRY.http().head("/v2/skopeo/umoci/manifests/v1");
    assertEquals(digest, head.header("Docker-Content-Digest"));
    assertEquals(OciLayout.OCI_MANIFEST, head.header("Content-Type"), "a manifest without mediaType is an OCI manifest");

    Path back = work.resolve("back");
    skopeoOk("copy", "--src-tls-verify=false", ref("skopeo/umoci:v1"), "oci:" + back + ":v1");
    assertEquals(digest, OciLayout.ref(back, "v1").orElseThrow().path("digest").asText());
    List<String> blobs = new ArrayList<>();
    blobs.add(m.path("config").path("digest").asText());
    blobs.addAll(OciLayout.layerDigests(m));
    for (String b : blobs) {
      assertArrayEquals(OciLayout.readBlob(layout, b), OciLayout.readBlob(back, b), "blob " + b + " round-trips");
    }
    // and umoci can unpack what came back
    Path unpacked = work.resolve("bundle2");
    Cmd.of("umoci", "unpack", "--image", back + ":v1", unpacked.toString()).ok();
    assertEquals("hello from umoci\n", new String(OciLayout.read(unpacked.resolve("rootfs/hello.txt")), StandardCharsets.UTF_8));
    assertEquals("answer = 42\n", new String(OciLayout.read(unpacked.resolve("rootfs/etc/berth.conf")), StandardCharsets.UTF_8));
  }

  @Test
  void delete_byTag_removesTheManifestAndEveryTagOnIt() {
    OciLayout layout = OciLayout.create(work.resolve("src"));
    OciLayout.Image doomed = twoLayerImage(layout, "doomed", "doomed");
    OciLayout.Image kept = twoLayerImage(layout, "kept", "kept");
    skopeoOk("copy", "--dest-tls-verify=false", "oci:" + layout.dir() + ":doomed", ref("skopeo/del:a"));
    skopeoOk("copy", "--src-tls-verify=false", "--dest-tls-verify=false", ref("skopeo/del:a"), ref("skopeo/del:b"));
    skopeoOk("copy", "--dest-tls-verify=false", "oci:" + layout.dir() + ":kept", ref("skopeo/del:other"));
    assertEquals(List.of("a", "b", "other"), texts(OciLayout.json(skopeoOk("list-tags", "--tls-verify=false", ref("skopeo/del")).stdout()).path("Tags")));

    skopeoOk("delete", "--tls-verify=false", ref("skopeo/del:a"));

    for (String tag : List.of("a", "b")) {
      Cmd.Result gone = skopeo("inspect", "--raw", "--tls-verify=false", ref("skopeo/del:" + tag));
      assertFalse(gone.succeeded(), "tag " + tag + " must be gone with its manifest:\n" + gone.describe());
      assertTrue(gone.stderr().toLowerCase(Locale.ROOT).contains("manifest unknown"), gone.describe());
    }
    assertEquals(404, REGISTRY.http().head("/v2/skopeo/del/manifests/" + doomed.manifest().digest()).status());
    assertEquals(List.of("other"), texts(OciLayout.json(skopeoOk("list-tags", "--tls-verify=false", ref("skopeo/del")).stdout()).path("Tags")));
    assertArrayEquals(kept.manifest().bytes(), skopeoOk("inspect", "--raw", "--tls-verify=false", ref("skopeo/del:other")).stdoutBytes());
  }

  @Test
  void copyAll_multiArchIndex_roundTripsEveryManifestAndBlob() {
    OciLayout layout = OciLayout.create(work.resolve("src"));
    OciLayout.Image amd64 = layout.image("amd64", files("etc/arch", "amd64\n"), files("app/shared.txt", "same on every platform\n"));
    OciLayout.Image arm64 = layout.image("arm64", files("etc/arch", "arm64\n"), files("app/shared.txt", "same on every platform\n"));
    assertEquals(amd64.layers().get(1).digest(), arm64.layers().get(1).digest(), "the platforms share a layer");
    OciLayout.Blob index = layout.index(List.of(amd64, arm64));
    layout.tag("multi", index);

    skopeoOk("copy", "--all", "--dest-tls-verify=false", "--digestfile", work.resolve("pushed").toString(),
        "oci:" + layout.dir() + ":multi", ref("skopeo/multi:latest"));
    assertEquals(index.digest(), digestFile("pushed"));

    assertArrayEquals(index.bytes(), skopeoOk("inspect", "--raw", "--tls-verify=false", ref("skopeo/multi:latest")).stdoutBytes());
    RegistryHttp.Answer head = REGISTRY.http().head("/v2/skopeo/multi/manifests/latest");
    assertEquals(index.digest(), head.header("Docker-Content-Digest"));
    assertEquals(OciLayout.OCI_INDEX, head.header("Content-Type"));
    for (OciLayout.Image platform : List.of(amd64, arm64)) {
      String byDigest = ref("skopeo/multi@" + platform.manifest().digest());
      assertArrayEquals(platform.manifest().bytes(), skopeoOk("inspect", "--raw", "--tls-verify=false", byDigest).stdoutBytes());
      JsonNode inspected = OciLayout.json(skopeoOk("inspect", "--tls-verify=false", "--override-os", "linux",
          "--override-arch", platform.architecture(), ref("skopeo/multi:latest")).stdout());
      assertEquals(platform.architecture(), inspected.path("Architecture").asText());
      assertEquals(platform.layerDigests(), texts(inspected.path("Layers")));
    }

    Path back = work.resolve("back");
    skopeoOk("copy", "--all", "--src-tls-verify=false", ref("skopeo/multi:latest"), "oci:" + back + ":multi");
    assertEquals(index.digest(), OciLayout.ref(back, "multi").orElseThrow().path("digest").asText());
    Map<String, byte[]> original = OciLayout.allBlobs(layout.dir());
    Map<String, byte[]> copied = OciLayout.allBlobs(back);
    assertEquals(original.keySet(), copied.keySet(), "the copy has exactly the original's blobs");
    original.forEach((d, bytes) -> assertArrayEquals(bytes, copied.get(d), "blob " + d + " round-trips"));
  }

  @Test
  void copyRecompressedToZstd_storesTheZstdLayer_andDecompressesToTheOriginalTar() {
    OciLayout layout = OciLayout.create(work.resolve("src"));
    OciLayout.Image image = twoLayerImage(layout, "v1", "zstd");

    skopeoOk("copy", "--dest-tls-verify=false", "--format", "oci", "--dest-compress-format", "zstd",
        "--digestfile", work.resolve("pushed").toString(), "oci:" + layout.dir() + ":v1", ref("skopeo/zstd:v1"));
    byte[] raw = skopeoOk("inspect", "--raw", "--tls-verify=false", ref("skopeo/zstd:v1")).stdoutBytes();
    assertEquals(digestFile("pushed"), OciLayout.sha256(raw));
    JsonNode m = OciLayout.json(raw);
    List<String> zstdLayers = OciLayout.layerDigests(m);
    assertEquals(2, zstdLayers.size());
    for (JsonNode l : m.path("layers")) {
      assertEquals("application/vnd.oci.image.layer.v1.tar+zstd", l.path("mediaType").asText());
      byte[] blob = REGISTRY.http().blob("skopeo/zstd", l.path("digest").asText());
      assertEquals(l.path("size").asLong(), blob.length);
      assertEquals(0xFD2FB528, java.nio.ByteBuffer.wrap(blob, 0, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(), "a zstd frame");
    }

    // back as it is: the zstd blobs, byte for byte
    Path back = work.resolve("back");
    skopeoOk("copy", "--src-tls-verify=false", ref("skopeo/zstd:v1"), "oci:" + back + ":v1");
    for (String layer : zstdLayers) {
      assertArrayEquals(REGISTRY.http().blob("skopeo/zstd", layer), OciLayout.readBlob(back, layer));
    }
    // and recompressed with gzip (skopeo 1.9 can only decompress gzip): the original tars, byte for byte
    Path gzipped = work.resolve("gzipped");
    skopeoOk("copy", "--src-tls-verify=false", "--dest-compress", "--dest-compress-format", "gzip",
        ref("skopeo/zstd:v1"), "oci:" + gzipped + ":v1");
    JsonNode gzManifest = OciLayout.json(OciLayout.readBlob(gzipped, OciLayout.ref(gzipped, "v1").orElseThrow().path("digest").asText()));
    List<String> gzLayers = OciLayout.layerDigests(gzManifest);
    assertEquals(image.layers().size(), gzLayers.size());
    for (int i = 0; i < gzLayers.size(); i++) {
      assertArrayEquals(Tar.gunzip(image.layers().get(i).bytes()), Tar.gunzip(OciLayout.readBlob(gzipped, gzLayers.get(i))),
          "layer " + i + " holds the original tar");
    }
  }

  @Test
  void copyLargeLayer_streamsThroughByteIdentical() {
    byte[] big = new byte[32 << 20];
    new java.util.Random(20240101).nextBytes(big);
    OciLayout layout = OciLayout.create(work.resolve("src"));
    OciLayout.Image image = layout.image("amd64", Map.of("data/random.bin", big));
    layout.tag("big", image.manifest());
    String layer = image.layers().get(0).digest();

    skopeoOk("copy", "--dest-tls-verify=false", "oci:" + layout.dir() + ":big", ref("skopeo/big:v1"));
    RegistryHttp.Answer head = REGISTRY.http().head("/v2/skopeo/big/blobs/" + layer);
    assertEquals(200, head.status());
    assertEquals(String.valueOf(image.layers().get(0).size()), head.header("Content-Length"));
    assertArrayEquals(image.layers().get(0).bytes(), REGISTRY.http().blob("skopeo/big", layer));

    Path back = work.resolve("back");
    skopeoOk("copy", "--src-tls-verify=false", ref("skopeo/big:v1"), "oci:" + back + ":big");
    assertArrayEquals(image.layers().get(0).bytes(), OciLayout.readBlob(back, layer));
    assertArrayEquals(big, Tar.files(OciLayout.readBlob(back, layer)).get("data/random.bin"));
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static void writeString(Path p, String s) {
    try {
      Files.createDirectories(p.getParent());
      Files.writeString(p, s);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
