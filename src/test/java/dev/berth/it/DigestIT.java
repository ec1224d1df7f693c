package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code berth digest} on the packaged registry (the native executable in the native profile,
 * where SHA-256 is libcrypto's: dev.berth.registry.LibcryptoSha256): the digests the binary's own
 * SHA-256 code computes are the ones the JDK computes here, in sha256sum's format, for sizes around
 * SHA-256's 64-byte block and padding edges and for files several read buffers long; again with
 * libcrypto told the CPU has no SHA extensions ({@code OPENSSL_ia32cap}), so the code older CPUs
 * run is checked on this one too (the JVM ignores the variable). A missing file exits 1.
 */
class DigestIT {
  /** Masks CPUID leaf 7's EBX bit 29 (SHA) from what libcrypto sees. */
  private static final String NO_SHA_EXTENSIONS = ":~0x20000000";

  @Test
  void printsEachFilesSha256LikeSha256sum() throws Exception {
    Path dir = Files.createTempDirectory("berth-digest-it");
    try {
      Random random = new Random(11);
      List<String> args = new ArrayList<>(List.of("digest"));
      StringBuilder expected = new StringBuilder();
      for (int size : new int[] {0, 1, 55, 56, 63, 64, 65, 119, 1 << 20, (1 << 20) + 7, (5 << 20) + 12345}) {
        byte[] data = new byte[size];
        random.nextBytes(data);
        Path file = Files.write(dir.resolve("layer-" + size + ".bin"), data);
        args.add(file.toString());
        expected.append("sha256:").append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)))
            .append("  ").append(file).append('\n');
      }

      RegistryProcess.CommandResult r = RegistryProcess.command(RegistryProcess.options(), Duration.ofSeconds(90),
          args.toArray(String[]::new));
      assertEquals(0, r.code(), r.describe());
      assertEquals(expected.toString(), r.stdout(), r.describe());

      RegistryProcess.CommandResult older = RegistryProcess.command(
          RegistryProcess.options().env("OPENSSL_ia32cap", NO_SHA_EXTENSIONS), Duration.ofSeconds(90),
          args.toArray(String[]::new));
      assertEquals(0, older.code(), older.describe());
      assertEquals(expected.toString(), older.stdout(), older.describe());

      RegistryProcess.CommandResult missing = RegistryProcess.command(RegistryProcess.options(), Duration.ofSeconds(90),
          "digest", dir.resolve("absent").toString());
      assertEquals(1, missing.code(), missing.describe());
    } finally {
      TempDirs.delete(dir);
    }
  }
}
