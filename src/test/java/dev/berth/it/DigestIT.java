package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code berth digest} on the packaged registry (the native executable in the native profile):
 * the digest the binary's own SHA-256 code computes for a generated file, several buffers long,
 * is the one the JDK computes here, in sha256sum's format; a missing file exits 1.
 */
class DigestIT {
  @Test
  void printsEachFilesSha256LikeSha256sum() throws Exception {
    Path dir = Files.createTempDirectory("berth-digest-it");
    try {
      byte[] data = new byte[(5 << 20) + 12345];
      new Random(11).nextBytes(data);
      Path file = Files.write(dir.resolve("layer.bin"), data);
      String expected = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));

      RegistryProcess.CommandResult r = RegistryProcess.command(RegistryProcess.options(), Duration.ofSeconds(90),
          "digest", file.toString());
      assertEquals(0, r.code(), r.describe());
      assertEquals(expected + "  " + file + "\n", r.stdout(), r.describe());

      RegistryProcess.CommandResult missing = RegistryProcess.command(RegistryProcess.options(), Duration.ofSeconds(90),
          "digest", dir.resolve("absent").toString());
      assertEquals(1, missing.code(), missing.describe());
    } finally {
      TempDirs.delete(dir);
    }
  }
}
