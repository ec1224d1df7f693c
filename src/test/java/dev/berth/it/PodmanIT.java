package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * buildah builds an image from scratch, podman pushes it (OCI and Docker v2s2), removes it and
 * pulls it back; the image id, manifest digests and file contents must survive the round trip.
 * podman and buildah run with a private container storage (vfs) and private configuration in a
 * temp directory, as root without systemd, talking only to the loopback registry.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class PodmanIT {
  @RegisterExtension
  static final RegistryExtension REGISTRY = new RegistryExtension();

  private static Path home;
  private static Map<String, String> env;
  private static List<String> storage;
  private static String podman;
  private static String buildah;
  private static String skopeo;

  @BeforeAll
  static void isolatedStorage() throws IOException {
    podman = Cmd.require("podman", "podman");
    buildah = Cmd.require("buildah", "buildah");
    skopeo = Cmd.require("skopeo", "skopeo");
    home = TempDirs.create("berth-podman-");
    Path root = home.resolve("root");
    Path runroot = home.resolve("run");
    Path tmp = Files.createDirectories(home.resolve("tmp"));
    Files.writeString(home.resolve("storage.conf"),
        "[storage]\ndriver = \"vfs\"\ngraphroot = \"" + root + "\"\nrunroot = \"" + runroot + "\"\n");
    // as root without systemd: cgroupfs and file events; no short-name search, no network besides loopback
    Files.writeString(home.resolve("containers.conf"),
        "[engine]\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\n");
    Files.writeString(home.resolve("registries.conf"), "unqualified-search-registries = []\nshort-name-mode = \"disabled\"\n");
    Files.writeString(home.resolve("auth.json"), "{\"auths\":{}}\n");
    env = new LinkedHashMap<>();
    env.put("CONTAINERS_STORAGE_CONF", home.resolve("storage.conf").toString());
    env.put("CONTAINERS_CONF", home.resolve("containers.conf").toString());
    env.put("CONTAINERS_REGISTRIES_CONF", home.resolve("registries.conf").toString());
    env.put("REGISTRY_AUTH_FILE", home.resolve("auth.json").toString());
    env.put("XDG_RUNTIME_DIR", Files.createDirectories(home.resolve("xdg")).toString());
    env.put("TMPDIR", tmp.toString());
    storage = List.of("--root", root.toString(), "--runroot", runroot.toString(), "--storage-driver", "vfs");
    System.out.println("[versions] " + Cmd.version(podman, "--version") + "; " + Cmd.version(buildah, "--version")
        + "; " + Cmd.version(skopeo, "--version"));
  }

  @AfterAll
  static void removeStorage() {
    if (home == null) {
      return;
    }
    try {
      if (buildah != null) {
        buildah("rm", "--all");
      }
      if (podman != null) {
        podman("rmi", "--all", "--force");
      }
    } finally {
      TempDirs.delete(home);
    }
  }

  private static Cmd.Result buildah(String... args) {
    List<String> cmd = new ArrayList<>(List.of(buildah));
    cmd.addAll(storage);
    cmd.addAll(List.of(args));
    return Cmd.of(cmd).env(env).run();
  }

  private static Cmd.Result podman(String... args) {
    List<String> cmd = new ArrayList<>(List.of(podman));
    cmd.addAll(storage);
    cmd.addAll(List.of("--tmpdir", home.resolve("libpod").toString(), "--cgroup-manager=cgroupfs", "--events-backend=file"));
    cmd.addAll(List.of(args));
    return Cmd.of(cmd).env(env).run();
  }

  private static Cmd.Result ok(Cmd.Result r) {
    if (!r.succeeded()) {
      throw new AssertionError("client failed:\n" + r.describe());
    }
    return r;
  }

  private static String out(Cmd.Result r) {
    return ok(r).stdout().strip();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void buildahCommit_podmanPushOciAndV2s2_rmi_pull_sameImage() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("a.txt", "alpha from buildah\n");
    files.put("b.txt", "beta\n".repeat(1000));
    files.put("c.bin", "\u0000\u0001binary\u00ff");
    Path context = home.resolve("context");
    try {
      Files.createDirectories(context);
      for (Map.Entry<String, String> f : files.entrySet()) {
        Files.write(context.resolve(f.getKey()), f.getValue().getBytes(StandardCharsets.ISO_8859_1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }

    String ctr = out(buildah("from", "--name", "berth-it-work", "scratch"));
    ok(buildah("copy", ctr, context.resolve("a.txt").toString(), context.resolve("b.txt").toString(), "/data/"));
    ok(buildah("copy", ctr, context.resolve("c.bin").toString(), "/bin/c.bin"));
    ok(buildah("config", "--cmd", "/data/a.txt", "--label", "dev.berth.it=podman", ctr));
    ok(buildah("commit", "--format", "oci", ctr, "localhost/berth-it/app:built"));
    ok(buildah("rm", ctr));
    String imageId = out(podman("image", "inspect", "--format", "{{.Id}}", "localhost/berth-it/app:built"));

    String host = REGISTRY.registry().hostPort();
    String ociRef = host + "/podman/app:oci";
    String dockerRef = host + "/podman/app:docker";
    ok(podman("push", "--tls-verify=false", "--digestfile", home.resolve("oci.digest").toString(),
        "localhost/berth-it/app:built", "docker://" + ociRef));
    ok(podman("push", "--tls-verify=false", "--format", "v2s2", "--digestfile", home.resolve("docker.digest").toString(),
        "localhost/berth-it/app:built", "docker://" + dockerRef));
    String ociDigest = read(home.resolve("oci.digest"));
    String dockerDigest = read(home.resolve("docker.digest"));
    assertFalse(ociDigest.equals(dockerDigest), "two formats, two manifests");

    // what the registry holds is exactly what podman says it pushed
    JsonNode oci = registryManifest("podman/app", "oci", ociDigest, OciLayout.OCI_MANIFEST);
    JsonNode docker = registryManifest("podman/app", "docker", dockerDigest, OciLayout.DOCKER_MANIFEST);
    assertEquals("sha256:" + imageId, oci.path("config").path("digest").asText(), "the config blob is the image id");
    assertEquals("sha256:" + imageId, docker.path("config").path("digest").asText());
    assertEquals(OciLayout.layerDigests(oci), OciLayout.layerDigests(docker), "both formats share the layer blobs");
    assertEquals(1, OciLayout.layerDigests(oci).size());
    for (String layer : OciLayout.layerDigests(oci)) {
      Map<String, byte[]> inLayer = Tar.files(REGISTRY.http().blob("podman/app", layer));
      assertEquals(files.get("a.txt"), new String(inLayer.get("data/a.txt"), StandardCharsets.ISO_8859_1));
      assertEquals(files.get("c.bin"), new String(inLayer.get("bin/c.bin"), StandardCharsets.ISO_8859_1));
    }
    byte[] config = REGISTRY.http().blob("podman/app", "sha256:" + imageId);
    assertEquals("podman", OciLayout.json(config).path("config").path("Labels").path("dev.berth.it").asText());

    // remove every local copy, then pull both references back
    ok(podman("rmi", "localhost/berth-it/app:built"));
    assertFalse(podman("image", "exists", imageId).succeeded(), "the image is gone locally");

    ok(podman("pull", "--tls-verify=false", ociRef));
    JsonNode pulled = OciLayout.json(out(podman("image", "inspect", ociRef))).get(0);
    assertEquals(imageId, pulled.path("Id").asText(), "the pulled image has the pushed image id");
    assertEquals(ociDigest, pulled.path("Digest").asText(), "podman pulled the manifest it pushed");
    assertTrue(texts(pulled.path("RepoDigests")).contains(host + "/podman/app@" + ociDigest), pulled.toString());

    ok(podman("pull", "--tls-verify=false", dockerRef));
    JsonNode pulledDocker = OciLayout.json(out(podman("image", "inspect", dockerRef))).get(0);
    assertEquals(imageId, pulledDocker.path("Id").asText());
    assertTrue(texts(pulledDocker.path("RepoDigests")).contains(host + "/podman/app@" + dockerDigest), pulledDocker.toString());

    // podman search lists the registry's repositories through /v2/_catalog
    String found = out(podman("search", "--tls-verify=false", "--format", "{{.Name}}", host + "/podman"));
    assertTrue(found.lines().anyMatch((host + "/podman/app")::equals), "podman search finds the repository:\n" + found);

    // a pull by digest resolves to the same image
    ok(podman("pull", "--tls-verify=false", host + "/podman/app@" + dockerDigest));
    assertEquals(imageId, out(podman("image", "inspect", "--format", "{{.Id}}", host + "/podman/app@" + dockerDigest)));

    // and the files are there, byte for byte
    Path mounted = Path.of(out(podman("image", "mount", ociRef)));
    try {
      assertArrayEquals(files.get("a.txt").getBytes(StandardCharsets.ISO_8859_1), OciLayout.read(mounted.resolve("data/a.txt")));
      assertArrayEquals(files.get("b.txt").getBytes(StandardCharsets.ISO_8859_1), OciLayout.read(mounted.resolve("data/b.txt")));
      assertArrayEquals(files.get("c.bin").getBytes(StandardCharsets.ISO_8859_1), OciLayout.read(mounted.resolve("bin/c.bin")));
    } finally {
      ok(podman("image", "unmount", ociRef));
    }
  }

  @Test
  void buildahManifestList_pushAll_asOciIndexAndDockerList_podmanPullsOnePlatform() throws IOException {
    Map<String, String> imageIds = new LinkedHashMap<>();
    for (String arch : List.of("amd64", "arm64")) {
      Path f = Files.writeString(home.resolve("arch-" + arch + ".txt"), "built for " + arch + "\n");
      String ctr = out(buildah("from", "--arch", arch, "--name", "berth-it-" + arch, "scratch"));
      ok(buildah("copy", ctr, f.toString(), "/etc/arch.txt"));
      ok(buildah("config", "--arch", arch, "--os", "linux", ctr));
      ok(buildah("commit", "--format", "oci", ctr, "localhost/berth-it/multi:" + arch));
      ok(buildah("rm", ctr));
      imageIds.put(arch, out(podman("image", "inspect", "--format", "{{.Id}}", "localhost/berth-it/multi:" + arch)));
    }
    ok(buildah("manifest", "create", "localhost/berth-it/multi:list"));
    for (String arch : imageIds.keySet()) {
      ok(buildah("manifest", "add", "localhost/berth-it/multi:list", "localhost/berth-it/multi:" + arch));
    }

    String host = REGISTRY.registry().hostPort();
    Map<String, String> listTypes = Map.of("oci", OciLayout.OCI_INDEX, "v2s2", "application/vnd.docker.distribution.manifest.list.v2+json");
    Map<String, String> childTypes = Map.of("oci", OciLayout.OCI_MANIFEST, "v2s2", OciLayout.DOCKER_MANIFEST);
    for (String format : List.of("oci", "v2s2")) {
      Path digestFile = home.resolve("list-" + format + ".digest");
      ok(buildah("manifest", "push", "--all", "--format", format, "--tls-verify=false", "--digestfile", digestFile.toString(),
          "localhost/berth-it/multi:list", "docker://" + host + "/podman/multi:" + format));
      String listDigest = read(digestFile);
      JsonNode list = registryManifest("podman/multi", format, listDigest, listTypes.get(format));
      assertEquals(2, list.path("manifests").size());
      for (JsonNode child : list.path("manifests")) {
        String arch = child.path("platform").path("architecture").asText();
        assertEquals(childTypes.get(format), child.path("mediaType").asText());
        RegistryHttp.Answer m = REGISTRY.http().get("/v2/podman/multi/manifests/" + child.path("digest").asText());
        assertEquals(200, m.status(), m.text());
        assertEquals(childTypes.get(format), m.header("Content-Type"));
        assertEquals(child.path("digest").asText(), OciLayout.sha256(m.body()));
        assertEquals(child.path("size").asLong(), m.body().length);
        assertEquals("sha256:" + imageIds.get(arch), OciLayout.json(m.body()).path("config").path("digest").asText(),
            "the " + arch + " entry is the " + arch + " image");
      }
    }

    ok(podman("rmi", "localhost/berth-it/multi:arm64"));
    ok(podman("pull", "--tls-verify=false", "--arch", "arm64", host + "/podman/multi:v2s2"));
    JsonNode pulled = OciLayout.json(out(podman("image", "inspect", host + "/podman/multi:v2s2"))).get(0);
    assertEquals("arm64", pulled.path("Architecture").asText());
    assertEquals(imageIds.get("arm64"), pulled.path("Id").asText(), "podman picked the arm64 image from the list");
  }

  /** The manifest of a tag, checked against the pushed digest three ways: header, bytes, skopeo. */
  private JsonNode registryManifest(String repo, String tag, String digest, String mediaType) {
    RegistryHttp.Answer byTag = REGISTRY.http().get("/v2/" + repo + "/manifests/" + tag);
    assertEquals(200, byTag.status(), byTag.text());
    assertEquals(digest, byTag.header("Docker-Content-Digest"));
    assertEquals(mediaType, byTag.header("Content-Type"));
    assertEquals(digest, OciLayout.sha256(byTag.body()));
    byte[] raw = ok(Cmd.of(skopeo, "inspect", "--raw", "--tls-verify=false",
        "docker://" + REGISTRY.registry().hostPort() + "/" + repo + ":" + tag).env(env).run()).stdoutBytes();
    assertArrayEquals(byTag.body(), raw, "skopeo sees the same manifest");
    JsonNode m = OciLayout.json(raw);
    assertEquals(mediaType, m.path("mediaType").asText());
    return m;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
