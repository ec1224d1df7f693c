package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code BERTH_TAGS_IMMUTABLE} on the packaged registry (jar or native executable), met with
 * skopeo: a release tag can't be pushed over with another image nor deleted, a re-push of the
 * same image is fine, and tags outside the pattern stay mutable.
 */
class ImmutableTagsIT {
  private static String skopeo;
  private Path work;

  @BeforeAll
  static void tools() {
    skopeo = Cmd.require("skopeo", "skopeo");
  }

  @BeforeEach
  void workDir() {
    work = TempDirs.create("berth-immutable-");
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

  private static Map<String, byte[]> files(String name, String text) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put(name, text.getBytes());
    return m;
  }

  /** A one-layer image in its own layout, tagged {@code t}. */
  private Path image(String marker) {
    OciLayout layout = OciLayout.create(work.resolve(marker));
    layout.tag("t", layout.image("amd64", files("app/" + marker + ".txt", marker + "\n")).manifest());
    return layout.dir();
  }

  @Test
  void releaseTag_cantBeMovedOrDeleted_othersCan() throws Exception {
    try (RegistryProcess r = RegistryProcess.start(RegistryProcess.options().env("BERTH_TAGS_IMMUTABLE", "releases/**:v*"))) {
      String reg = "docker://" + r.hostPort() + "/";
      Path one = image("one");
      Path two = image("two");
      assertTrue(skopeo("copy", "--dest-tls-verify=false", "oci:" + one + ":t", reg + "releases/app:v1").succeeded());
      assertTrue(skopeo("copy", "--dest-tls-verify=false", "oci:" + one + ":t", reg + "releases/app:v1").succeeded(),
          "the same image again is no change");

      Cmd.Result moved = skopeo("copy", "--dest-tls-verify=false", "oci:" + two + ":t", reg + "releases/app:v1");
      assertFalse(moved.succeeded(), moved.describe());
      assertTrue(moved.stderr().contains("denied") || moved.stderr().contains("DENIED"), moved.describe());
      // skopeo shows a 403 as "requested access to the resource is denied"; the body says why.
      byte[] twoManifest = OciLayout.readBlob(two, OciLayout.ref(two, "t").orElseThrow().get("digest").asText());
      var put = new RegistryClient(r.url()).send("PUT", "/v2/releases/app/manifests/v1", twoManifest,
          "Content-Type", OciLayout.OCI_MANIFEST);
      assertEquals(403, put.statusCode());
      String body = new String(put.body());
      assertTrue(body.contains("\"DENIED\"") && body.contains("immutable"), body);

      Cmd.Result deleted = skopeo("delete", "--tls-verify=false", reg + "releases/app:v1");
      assertFalse(deleted.succeeded(), deleted.describe());
      String pulled = new String(skopeo("inspect", "--raw", "--tls-verify=false", reg + "releases/app:v1").stdoutBytes());
      String original = new String(OciLayout.readBlob(one, OciLayout.ref(one, "t").orElseThrow().get("digest").asText()));
      assertEquals(original, pulled, "v1 still points at the first image");

      // Outside the pattern: a tag moves, and goes.
      assertTrue(skopeo("copy", "--dest-tls-verify=false", "oci:" + one + ":t", reg + "releases/app:latest").succeeded());
      assertTrue(skopeo("copy", "--dest-tls-verify=false", "oci:" + two + ":t", reg + "releases/app:latest").succeeded());
      assertTrue(skopeo("copy", "--dest-tls-verify=false", "oci:" + two + ":t", reg + "scratch/app:v1").succeeded());
      assertTrue(skopeo("copy", "--dest-tls-verify=false", "oci:" + one + ":t", reg + "scratch/app:v1").succeeded());
    }
  }
}
