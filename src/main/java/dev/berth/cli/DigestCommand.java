package dev.berth.cli;

import dev.berth.registry.DigestAlgorithm;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code berth digest [--rate] FILE...}: the OCI digest of each file, as {@code sha256sum} prints
 * it ({@code sha256:<hex>  FILE}), so a layer on disk can be matched against a manifest with the
 * registry's own hashing. {@code --rate} adds each file's hashing speed on stderr: the benchmark of
 * the SHA-256 code that a push runs (bench/hash.sh). Exit codes: 0 done, 1 a file could not be
 * read, 2 usage.
 */
@Singleton
public class DigestCommand implements Command {
  /** Large reads: the per-call cost of read() and update() vanishes beside the hashing. */
  private static final int BUFFER = 1 << 20;

  @Override
  public String name() {
    return "digest";
  }

  @Override
  public String summary() {
    return "[--rate] FILE...  print each file's sha256 digest (like sha256sum)";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    boolean rate = false;
    List<Path> files = new ArrayList<>();
    for (String a : args) {
      if (a.equals("--rate")) {
        rate = true;
      } else if (a.startsWith("-") && !a.equals("-")) {
        err.println("berth digest: unknown option '" + a + "'. Usage: berth digest [--rate] FILE...");
        return 2;
      } else {
        files.add(Path.of(a));
      }
    }
    if (files.isEmpty()) {
      err.println("berth digest: no file. Usage: berth digest [--rate] FILE...");
      return 2;
    }
    byte[] buffer = new byte[BUFFER];
    MessageDigest sha = DigestAlgorithm.SHA256.newDigest();
    int code = 0;
    for (Path f : files) {
      long t0 = System.nanoTime();
      long size = 0;
      try (InputStream in = f.toString().equals("-") ? System.in : Files.newInputStream(f)) {
        for (int n; (n = in.read(buffer)) >= 0; size += n) {
          sha.update(buffer, 0, n);
        }
      } catch (IOException e) {
        sha.reset();
        err.println("berth digest: " + f + ": " + e.getMessage());
        code = 1;
        continue;
      }
      out.println("sha256:" + HexFormat.of().formatHex(sha.digest()) + "  " + f);
      if (rate) {
        double s = (System.nanoTime() - t0) / 1e9;
        err.printf("%s: %d bytes in %.3f s, %.1f MiB/s%n", f, size, s, size / 1048576.0 / s);
      }
    }
    return code;
  }
}
