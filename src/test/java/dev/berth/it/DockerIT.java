package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The docker CLI and a private dockerd push, remove and pull images (Docker v2 schema 2, the
 * only format docker pushes); the digests docker reports must be the ones the registry serves,
 * and the files must come back byte for byte. 127.0.0.0/8 is an insecure registry by default,
 * so plain HTTP needs no daemon option.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class DockerIT {
  @RegisterExtension
  static final RegistryExtension REGISTRY = new RegistryExtension();

  @RegisterExtension
  static final TestWatcher DAEMON_LOG_ON_FAILURE = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (daemon != null) {
        String log = daemon.log();
        System.err.println("[dockerd] " + context.getDisplayName() + " failed; dockerd's log ends with:\n"
            + log.substring(Math.max(0, log.length() - 20_000)));
      }
    }
  };

  private static final Pattern PUSHED = Pattern.compile("digest: (sha256:[0-9a-f]{64}) size: (\\d+)");
  private static final Pattern PULLED = Pattern.compile("Digest: (sha256:[0-9a-f]{64})");

  private static DockerDaemon daemon;
  private static String skopeo;
  private Path work;

  @BeforeAll
  static void startDaemon() throws Exception {
    String dockerd = Cmd.require("dockerd", "docker.io");
    String docker = Cmd.require("docker", "docker.io");
    Cmd.require("containerd", "containerd");
    daemon = DockerDaemon.start(dockerd, docker);
    skopeo = Cmd.require("skopeo", "skopeo");
    System.out.println("[versions] docker client / dockerd: "
        + daemon.docker("version", "--format", "{{.Client.Version}} / {{.Server.Version}}").ok().stdout().strip()
        + " (dockerd pid " + daemon.pid() + "); " + Cmd.version(skopeo, "--version"));
  }

  @AfterAll
  static void stopDaemon() throws InterruptedException {
    if (daemon != null) {
      daemon.close();
      daemon = null;
    }
  }

  @BeforeEach
  void workDir() {
    work = TempDirs.create("berth-docker-");
  }

  @AfterEach
  void cleanWorkDir() {
    TempDirs.delete(work);
  }

  private String image(String repoAndTag) {
    return REGISTRY.registry().hostPort() + "/" + repoAndTag;
  }

  private static String pushedDigest(Cmd.Result push) {
    Matcher m = PUSHED.matcher(push.stdout());
    assertTrue(m.find(), "docker push reports a digest:\n" + push.describe());
    return m.group(1);
  }

  private static JsonNode inspect(String ref) {
    return OciLayout.json(daemon.docker("image", "inspect", ref).ok().stdout()).get(0);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** Checks the registry holds exactly the manifest docker pushed, and its blobs; returns it. */
  private JsonNode assertRegistryHas(String repo, String tag, String digest, String imageId) {
    RegistryHttp.Answer m = REGISTRY.http().get("/v2/" + repo + "/manifests/" + tag);
    assertEquals(200, m.status(), m.text());
    assertEquals(digest, m.header("Docker-Content-Digest"));
    assertEquals(OciLayout.DOCKER_MANIFEST, m.header("Content-Type"), "docker pushes Docker v2 schema 2");
    assertEquals(digest, OciLayout.sha256(m.body()), "the registry serves the bytes docker pushed");
    JsonNode manifest = OciLayout.json(m.body());
    assertEquals(2, manifest.path("schemaVersion").asInt());
    assertEquals(imageId, manifest.path("config").path("digest").asText(), "the config blob is the image id");
    REGISTRY.http().blob(repo, imageId);
    for (String layer : OciLayout.layerDigests(manifest)) {
      REGISTRY.http().blob(repo, layer);
    }
    return manifest;
  }

  /** The regular files of an image, through a created (never started) container's export. */
  private Map<String, byte[]> exportedFiles(String ref) {
    String name = "berth-it-export-" + Long.toHexString(System.nanoTime());
    daemon.docker("create", "--network", "none", "--name", name, ref, "/nonexistent").ok();
    try {
      return Tar.files(daemon.docker("export", name).ok().stdoutBytes());
    } finally {
      daemon.docker("rm", "-f", name).ok();
    }
  }

  @Test
  void importPushRmiPull_digestAndFilesSurvive() throws IOException {
    Map<String, byte[]> files = OciLayout.files(
        "etc/motd", "imported by docker\n",
        "data/numbers.txt", "1 2 3 5 8 13 21 34 55 89\n".repeat(500));
    Path rootfs = work.resolve("rootfs.tar");
    Files.write(rootfs, Tar.tar(files));
    String ref = image("docker/imported:v1");

    daemon.docker("import", "--change", "CMD [\"/etc/motd\"]", rootfs.toString(), ref).ok();
    String imageId = inspect(ref).path("Id").asText();

    String digest = pushedDigest(daemon.docker("push", ref).ok());
    JsonNode manifest = assertRegistryHas("docker/imported", "v1", digest, imageId);
    assertEquals(1, OciLayout.layerDigests(manifest).size());
    Map<String, byte[]> layer = Tar.files(REGISTRY.http().blob("docker/imported", OciLayout.layerDigests(manifest).get(0)));
    assertArrayEquals(files.get("etc/motd"), layer.get("etc/motd"));
    assertTrue(texts(inspect(ref).path("RepoDigests")).contains(image("docker/imported@" + digest)));

    daemon.docker("rmi", ref).ok();
    assertFalse(daemon.docker("image", "inspect", imageId).run().succeeded(), "the image is gone locally");

    Cmd.Result pull = daemon.docker("pull", ref).ok();
    Matcher pulled = PULLED.matcher(pull.stdout());
    assertTrue(pulled.find(), pull.describe());
    assertEquals(digest, pulled.group(1), "docker pulled the manifest it pushed");
    JsonNode back = inspect(ref);
    assertEquals(imageId, back.path("Id").asText(), "the pulled image has the pushed image id");
    assertEquals(List.of(image("docker/imported@" + digest)), texts(back.path("RepoDigests")));
    Map<String, byte[]> exported = exportedFiles(ref);
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      assertArrayEquals(f.getValue(), exported.get(f.getKey()), f.getKey() + " round-trips");
    }
  }

  @Test
  void pullMultiArchIndex_picksThePlatformImage_andKeepsTheIndexDigest() {
    OciLayout layout = OciLayout.create(work.resolve("layout"));
    OciLayout.Image amd64 = layout.image("amd64", OciLayout.files("etc/arch", "amd64\n"));
    OciLayout.Image arm64 = layout.image("arm64", OciLayout.files("etc/arch", "arm64\n"));
    OciLayout.Blob index = layout.index(List.of(amd64, arm64));
    layout.tag("multi", index);
    Cmd.of(skopeo, "copy", "--all", "--dest-tls-verify=false", "oci:" + layout.dir() + ":multi",
        "docker://" + image("docker/multi:v1")).ok();
    String ref = image("docker/multi:v1");

    for (OciLayout.Image platform : List.of(amd64, arm64)) {
      Cmd.Result pull = daemon.docker("pull", "--platform", "linux/" + platform.architecture(), ref).ok();
      Matcher pulled = PULLED.matcher(pull.stdout());
      assertTrue(pulled.find(), pull.describe());
      assertEquals(index.digest(), pulled.group(1), "docker reports the index digest");
      JsonNode back = inspect(ref);
      assertEquals(platform.config().digest(), back.path("Id").asText(), "docker pulled the " + platform.architecture() + " image");
      assertEquals(platform.architecture(), back.path("Architecture").asText());
      assertTrue(texts(back.path("RepoDigests")).contains(image("docker/multi@" + index.digest())), back.toString());
      assertArrayEquals((platform.architecture() + "\n").getBytes(StandardCharsets.UTF_8), exportedFiles(ref).get("etc/arch"));
      daemon.docker("rmi", ref).ok();
    }
  }

  @Test
  void buildPush_pushToSecondRepository_mountsLayers_pullBack() throws IOException {
    Path context = Files.createDirectories(work.resolve("context"));
    Files.writeString(context.resolve("Dockerfile"), String.join("\n",
        "FROM scratch",
        "COPY a.txt /data/a.txt",
        "COPY b.bin /data/b.bin",
        "LABEL dev.berth.it=docker",
        "CMD [\"/data/a.txt\"]", ""));
    byte[] a = "built by the classic builder\n".getBytes(StandardCharsets.UTF_8);
    byte[] b = new byte[300_000];
    new java.util.Random(42).nextBytes(b);
    Files.write(context.resolve("a.txt"), a);
    Files.write(context.resolve("b.bin"), b);
    String built = image("docker/built:v1");

    daemon.docker("build", "-t", built, context.toString()).env("DOCKER_BUILDKIT", "0").ok();
    String imageId = inspect(built).path("Id").asText();
    String digest = pushedDigest(daemon.docker("push", built).ok());
    JsonNode manifest = assertRegistryHas("docker/built", "v1", digest, imageId);
    List<String> layers = OciLayout.layerDigests(manifest);
    assertEquals(2, layers.size());

    // the same image in another repository: docker mounts the layers from docker/built
    String mounted = image("docker/mounted:v2");
    daemon.docker("tag", built, mounted).ok();
    Cmd.Result push2 = daemon.docker("push", mounted).ok();
    assertEquals(digest, pushedDigest(push2), "the same image has the same manifest in any repository");
    assertTrue(push2.stdout().contains("Mounted from docker/built"), "docker mounted the layers:\n" + push2.describe());
    for (String layer : layers) {
      assertTrue(RegistryHttp.awaitLogged(REGISTRY.registry(), r -> r.method().equals("POST")
          && r.target().startsWith("/v2/docker/mounted/blobs/uploads/") && r.target().contains("mount=" + layer)
          && r.target().contains("from=docker/built") && r.status() == 201).isPresent(), "a 201 mount of " + layer);
      assertEquals(200, REGISTRY.http().head("/v2/docker/mounted/blobs/" + layer).status());
    }
    assertRegistryHas("docker/mounted", "v2", digest, imageId);

    daemon.docker("rmi", built, mounted).ok();
    assertFalse(daemon.docker("image", "inspect", imageId).run().succeeded(), "the image is gone locally");
    Cmd.Result pull = daemon.docker("pull", mounted).ok();
    Matcher pulled = PULLED.matcher(pull.stdout());
    assertTrue(pulled.find(), pull.describe());
    assertEquals(digest, pulled.group(1));
    JsonNode back = inspect(mounted);
    assertEquals(imageId, back.path("Id").asText());
    assertEquals("docker", back.path("Config").path("Labels").path("dev.berth.it").asText());
    assertTrue(texts(back.path("RepoDigests")).contains(image("docker/mounted@" + digest)), back.toString());
    Map<String, byte[]> exported = exportedFiles(mounted);
    assertArrayEquals(a, exported.get("data/a.txt"));
    assertArrayEquals(b, exported.get("data/b.bin"));
  }

  /**
   * Access control as docker meets it, in basic and in token mode (where dockerd follows the
   * Bearer challenge to {@code /token}): {@code docker login} checks the password (a wrong one is
   * refused, never "Login Succeeded"), the stored login pushes and pulls, and without it a pull of
   * a private repository is refused.
   */
  @ParameterizedTest
  @ValueSource(strings = {"basic", "token"})
  void loginPushPull_withAccessControl(String mode) throws Exception {
    Cmd.Result entry = Cmd.of(Cmd.require("htpasswd", "apache2-utils"), "-nbB", "-C", "6", "alice", "alice-Dk7").run();
    assertTrue(entry.succeeded(), entry.describe());
    Files.writeString(work.resolve("htpasswd"), entry.stdout().strip() + "\n");
    Files.writeString(work.resolve("rules.yaml"),
        "rules:\n  - subjects: [\"user:alice\"]\n    repositories: [\"team/**\"]\n    actions: [pull, push, delete]\n");
    RegistryProcess.Options options = RegistryProcess.options()
        .env("BERTH_AUTH_MODE", mode)
        .env("BERTH_AUTH_HTPASSWD", work.resolve("htpasswd").toString())
        .env("BERTH_AUTH_RULES", work.resolve("rules.yaml").toString());
    if (mode.equals("token")) {
      Path key = work.resolve("token.pem");
      Cmd.of("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString()).ok();
      Cmd.of("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", work.resolve("token.pub").toString()).ok();
      options.env("BERTH_AUTH_TOKEN_SIGNING_KEY", key.toString())
          .env("BERTH_AUTH_TOKEN_VERIFICATION_KEYS", work.resolve("token.pub").toString());
    }
    try (RegistryProcess auth = RegistryProcess.start(options)) {
      String host = auth.hostPort();
      Cmd.Result wrong = daemon.docker("login", "-u", "alice", "-p", "not-alice", host).run();
      assertFalse(wrong.succeeded(), wrong.describe());
      assertTrue((wrong.stdout() + wrong.stderr()).toLowerCase(java.util.Locale.ROOT).contains("unauthorized"), wrong.describe());
      assertTrue(daemon.docker("login", "-u", "alice", "-p", "alice-Dk7", host).ok().stdout().contains("Login Succeeded"));

      Path rootfs = work.resolve("rootfs.tar");
      Files.write(rootfs, Tar.tar(OciLayout.files("etc/secret-app", "private\n")));
      String ref = host + "/team/app:v1";
      daemon.docker("import", rootfs.toString(), ref).ok();
      String digest = pushedDigest(daemon.docker("push", ref).ok());
      daemon.docker("rmi", ref).ok();

      daemon.docker("logout", host).ok();
      Cmd.Result anonymous = daemon.docker("pull", ref).run();
      assertFalse(anonymous.succeeded(), "pulled a private repository without a login:\n" + anonymous.describe());

      daemon.docker("login", "-u", "alice", "-p", "alice-Dk7", host).ok();
      Matcher pulled = PULLED.matcher(daemon.docker("pull", ref).ok().stdout());
      assertTrue(pulled.find());
      assertEquals(digest, pulled.group(1));
      daemon.docker("rmi", ref).ok();
      daemon.docker("logout", host).ok();
      assertFalse(auth.log().contains("alice-Dk7"), "the password reached the log");
    }
  }
}
