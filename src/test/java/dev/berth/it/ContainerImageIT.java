package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Berth's minimal container image, built without a Docker engine ({@code build-image.sh}:
 * buildah on {@code Dockerfile.native-scratch}) and proven to run: its root file system is
 * unpacked from the OCI archive and started the way a runtime would (own mount and PID
 * namespaces, read-only root, tmpfs /tmp, a volume at /data, /proc and the standard devices, the
 * image's user 65532 and entrypoint). Then probes, a skopeo round trip, and dogfood: Berth's own
 * image pushed into the containerized Berth and pulled back by digest. Needs the native
 * executable: {@code mvn verify -Dnative} (tag {@code container-image}).
 */
@Tag("container-image")
class ContainerImageIT {
  static Path work;
  static Path archive;
  static Path rootfs;
  static JsonNode config;
  static Process container;
  static int port;
  static Path data;
  static Path log;

  @BeforeAll
  static void buildAndStart() throws Exception {
    Cmd.require("buildah", "buildah");
    Cmd.require("skopeo", "skopeo");
    Cmd.require("umoci", "umoci");
    Cmd.require("unshare", "util-linux");
    work = TempDirs.create("berth-image");
    Cmd.Result built = Cmd.of("src/main/docker/build-image.sh", "berth:it")
        .env("JAVA_HOME", System.getProperty("java.home"))
        .timeout(Duration.ofMinutes(10)).ok();
    System.out.println(built.stdout());
    archive = Path.of("target/berth-image.oci.tar");
    report(built.stdout());
    Cmd.of("skopeo", "copy", "oci-archive:" + archive + ":berth:it", "oci:" + work.resolve("layout") + ":it").ok();
    Cmd.of("umoci", "unpack", "--image", work.resolve("layout") + ":it", work.resolve("bundle").toString()).ok();
    rootfs = work.resolve("bundle/rootfs");
    config = new ObjectMapper().readTree(work.resolve("bundle/config.json").toFile());
    data = work.resolve("data");
    Files.createDirectories(data);
    Cmd.of("chown", "65532:65532", data.toString()).ok();
    port = RegistryProcess.freePort();
    log = work.resolve("container.log");
    container = start();
  }

  /** Prints the sizes build-image.sh reports, and checks the issue's 40 MB target. */
  private static void report(String out) {
    Matcher m = Pattern.compile("compressed \\(OCI archive, gzip layers\\): \\d+ MiB \\((\\d+) bytes\\)").matcher(out);
    assertTrue(m.find(), out);
    long compressed = Long.parseLong(m.group(1));
    System.out.println("image compressed: " + compressed + " bytes");
    assertTrue(compressed <= 40L * 1000 * 1000, "the image must stay within 40 MB compressed, is " + compressed);
  }

  /** Starts the image's entrypoint as a container runtime would, from the unpacked bundle. */
  private static Process start() throws IOException, InterruptedException {
    JsonNode process = config.get("process");
    StringBuilder env = new StringBuilder();
    for (JsonNode e : process.get("env")) {
      env.append(' ').append(shellQuote(e.asText()));
    }
    env.append(" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT=").append(port);
    StringBuilder args = new StringBuilder();
    for (JsonNode a : process.get("args")) {
      args.append(' ').append(shellQuote(a.asText()));
    }
    String user = process.get("user").get("uid").asInt() + ":" + process.get("user").get("gid").asInt();
    assertEquals("65532:65532", user, "the image runs as its non-root user");
    String r = shellQuote(rootfs.toString());
    String script = String.join(" && ",
        "mount --bind " + r + " " + r,
        "mount -o remount,bind,ro " + r,
        "mount -t tmpfs -o size=64m tmpfs " + r + "/tmp",
        "mount --bind " + shellQuote(data.toString()) + " " + r + "/data",
        "mount -t proc proc " + r + "/proc",
        "mount -t tmpfs -o size=1m tmpfs " + r + "/dev",
        "for d in null zero random urandom; do touch " + r + "/dev/$d && mount --bind /dev/$d " + r + "/dev/$d; done",
        "exec env -i" + env + " /usr/sbin/chroot --userspec=" + user + " " + r + args);
    return new ProcessBuilder("unshare", "--mount", "--pid", "--fork", "--propagation", "private", "sh", "-c", script)
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static RegistryClient client() throws Exception {
    if (!RegistryProcess.awaitV2(container, port, Duration.ofSeconds(60), log)) {
      throw new AssertionError("the container did not answer: " + Files.readString(log));
    }
    return new RegistryClient("http://127.0.0.1:" + port);
  }

  @AfterAll
  static void stop() throws Exception {
    if (container != null) {
      container.descendants().forEach(ProcessHandle::destroy);
      container.waitFor(30, TimeUnit.SECONDS);
      Cmd.killTree(container.toHandle());
    }
    if (work != null) {
      TempDirs.delete(work);
    }
  }

  @Test
  void container_servesProbes_asNonRoot_onReadOnlyRoot() throws Exception {
    RegistryClient c = client();
    for (String probe : List.of("live", "ready", "started")) {
      assertEquals(200, c.send("GET", "/q/health/" + probe, null).statusCode(), probe);
    }
    String digest = c.pushBlob("probe/blob", new byte[] {4, 5, 6});
    assertEquals(3, c.getBlob("probe/blob", digest).length);
    // What the registry wrote belongs to the image's user, in the /data volume.
    Path blobs = data.resolve("blobs");
    assertTrue(Files.isDirectory(blobs));
    assertEquals(65532, Files.getAttribute(blobs, "unix:uid"));
    assertTrue(Files.readString(log).contains("native"), Files.readString(log));
  }

  @Test
  void dogfood_pushesItsOwnImage_andPullsItBackByDigest() throws Exception {
    client();
    String ref = "docker://127.0.0.1:" + port + "/berth/berth:it";
    Cmd.of("skopeo", "copy", "--dest-tls-verify=false", "oci-archive:" + archive + ":berth:it", ref).ok();
    String pushed = Cmd.of("skopeo", "manifest-digest", "/dev/stdin")
        .stdin(Cmd.of("skopeo", "inspect", "--raw", "oci-archive:" + archive + ":berth:it").ok().stdoutBytes()).ok().stdout().trim();
    JsonNode inspect = new ObjectMapper().readTree(Cmd.of("skopeo", "inspect", "--tls-verify=false", ref).ok().stdout());
    assertEquals(pushed, inspect.get("Digest").asText());
    Path back = work.resolve("back");
    Cmd.of("skopeo", "copy", "--src-tls-verify=false", "docker://127.0.0.1:" + port + "/berth/berth@" + pushed,
        "oci:" + back + ":back").ok();
    JsonNode index = new ObjectMapper().readTree(back.resolve("index.json").toFile());
    assertEquals(pushed, index.get("manifests").get(0).get("digest").asText());
    // Every blob came back byte-identical: each file's name is its digest.
    try (var files = Files.list(back.resolve("blobs/sha256"))) {
      for (Path blob : files.toList()) {
        assertEquals("sha256:" + blob.getFileName(), RegistryClient.sha256(Files.readAllBytes(blob)));
      }
    }
    HttpResponse<byte[]> tags = new RegistryClient("http://127.0.0.1:" + port).send("GET", "/v2/berth/berth/tags/list", null);
    assertTrue(new String(tags.body()).contains("\"it\""));
  }
}
