package dev.berth.it;

import static dev.berth.it.OciLayout.files;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the pull-through cache ITs (ProxyIT, ProxyMirrorIT, ProxyNamespaceIT) share: the image
 * they push to the upstream, the check that a pull through Berth got it byte for byte, a Berth
 * whose rules open only {@code library/**} to anonymous pulls, and the stop that first checks
 * Berth's log for the upstream's password.
 */
final class ProxyImages {
  private ProxyImages() {}

  /** A two-layer image in an OCI layout at {@code dir}, tagged {@code tag}; {@code marker} makes its bytes unique. */
  static OciLayout.Image twoLayers(Path dir, String marker, String tag) {
    OciLayout layout = OciLayout.create(dir);
    OciLayout.Image image = layout.image("amd64", files("etc/base.txt", "base " + marker + "\n"),
        files("app/hello.txt", "hello from " + marker + "\n"));
    layout.tag(tag, image.manifest());
    return image;
  }

  /** Runs {@code skopeo} (the binary's path) with {@code args}, its temp files under /tmp; the caller checks the result. */
  static Cmd.Result skopeo(String skopeo, String... args) {
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(skopeo));
    cmd.addAll(java.util.List.of(args));
    return Cmd.of(cmd).env("TMPDIR", "/tmp").run();
  }

  /** The layout's {@code pulled} tag is the image: its manifest and every blob, byte for byte. */
  static void assertSameImage(OciLayout.Image image, Path layout) {
    assertEquals(image.manifest().digest(), OciLayout.ref(layout, "pulled").orElseThrow().path("digest").asText());
    assertArrayEquals(image.manifest().bytes(), OciLayout.readBlob(layout, image.manifest().digest()));
    for (OciLayout.Blob b : image.blobs()) {
      assertArrayEquals(b.bytes(), OciLayout.readBlob(layout, b.digest()), "blob " + b.digest());
    }
  }

  /**
   * Berth in basic mode with {@code upstream} as {@code hub}, whose rules let anonymous clients
   * pull {@code library/**} only; {@code env} adds the routing under test (name, value pairs).
   */
  static RegistryProcess libraryOpenToAnonymous(Path work, Distribution upstream, String... env) throws Exception {
    Path auth = Files.createDirectories(work.resolve("auth"));
    Cmd.Result h = Cmd.of(Cmd.require("htpasswd", "apache2-utils"), "-nbB", "admin", "admin-pw").ok();
    Files.writeString(auth.resolve("htpasswd"), h.stdout().strip() + "\n");
    Files.writeString(auth.resolve("rules.yaml"), String.join("\n",
        "rules:", "  - subjects: [anonymous]", "    repositories: [\"library/**\"]", "    actions: [pull]", ""));
    RegistryProcess.Options o = RegistryProcess.options()
        .env("BERTH_AUTH_MODE", "basic")
        .env("BERTH_AUTH_HTPASSWD", auth.resolve("htpasswd").toString())
        .env("BERTH_AUTH_RULES", auth.resolve("rules.yaml").toString())
        .env("BERTH_PROXY_UPSTREAMS_HUB_URL", upstream.url())
        .env("BERTH_PROXY_UPSTREAMS_HUB_USERNAME", Distribution.USER)
        .env("BERTH_PROXY_UPSTREAMS_HUB_PASSWORD", upstream.password)
        .ready(RegistryProcess.Ready.LIVE);
    for (int i = 0; i + 1 < env.length; i += 2) {
      o.env(env[i], env[i + 1]);
    }
    return RegistryProcess.start(o);
  }

  /** Stops both; the upstream's password must not be in Berth's log. */
  static void stop(RegistryProcess berth, Distribution upstream) throws Exception {
    try {
      if (berth != null) {
        assertFalse(berth.log().contains(upstream.password), "the upstream's password is in Berth's log");
        berth.close();
      }
    } finally {
      if (upstream != null) {
        upstream.close();
      }
    }
  }
}
