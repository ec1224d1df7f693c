package dev.berth.it;

import static dev.berth.it.OciLayout.files;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;

/**
 * What the pull-through cache ITs (ProxyIT, ProxyMirrorIT, ProxyNamespaceIT) share: the image
 * they push to the upstream, the check that a pull through Berth got it byte for byte, and the
 * stop that first checks Berth's log for the upstream's password.
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

  /** The layout's {@code pulled} tag is the image: its manifest and every blob, byte for byte. */
  static void assertSameImage(OciLayout.Image image, Path layout) {
    assertEquals(image.manifest().digest(), OciLayout.ref(layout, "pulled").orElseThrow().path("digest").asText());
    assertArrayEquals(image.manifest().bytes(), OciLayout.readBlob(layout, image.manifest().digest()));
    for (OciLayout.Blob b : image.blobs()) {
      assertArrayEquals(b.bytes(), OciLayout.readBlob(layout, b.digest()), "blob " + b.digest());
    }
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
