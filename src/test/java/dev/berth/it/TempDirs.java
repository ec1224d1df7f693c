package dev.berth.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Temp directories for client state (container storage, daemon roots, image layouts), and their
 * removal: whatever a client left mounted below one (overlay, shm, bind mounts of a daemon) is
 * unmounted first, deepest first, then the tree is deleted.
 */
final class TempDirs {
  private TempDirs() {}

  /** A new directory under /tmp with short paths (daemons put unix sockets in them). */
  static Path create(String prefix) {
    try {
      return Files.createTempDirectory(Path.of("/tmp"), prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Unmounts what is mounted at or below {@code dir} and deletes it; reports what it could not. */
  static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    Path root = dir.toAbsolutePath().normalize();
    for (Path m : mountsBelow(root)) {
      Cmd.Result r = Cmd.of("umount", m.toString()).timeout(Duration.ofSeconds(60)).run();
      if (!r.succeeded()) {
        Cmd.of("umount", "-l", m.toString()).timeout(Duration.ofSeconds(60)).run();
      }
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // vfs layers can hold files a plain delete trips over; rm knows more cases
      Cmd.Result r = Cmd.of("rm", "-rf", "--one-file-system", root.toString()).timeout(Duration.ofMinutes(2)).run();
      if (!r.succeeded()) {
        System.err.println("[cleanup] could not delete " + root + ": " + e + "\n" + r.describe());
      }
    }
  }

  /** Mount points at or below the directory, deepest first. */
  static List<Path> mountsBelow(Path root) {
    List<Path> mounts = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] f = line.split(" ");
        if (f.length > 4) {
          Path p = Path.of(f[4].replace("\\040", " "));
          if (p.startsWith(root)) {
            mounts.add(p);
          }
        }
      }
    } catch (IOException e) {
      // no /proc: nothing we can find to unmount
    }
    mounts.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    return mounts;
  }
}
