package dev.berth.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs an API test class against the filesystem driver, in a fresh temporary root, deleted when
 * the test JVM exits (Quarkus keeps the application, and so the root, until the profile changes).
 */
public class FilesystemStorageProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    try {
      Path root = Files.createTempDirectory("berth-api-fs");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
      return Map.of("berth.storage.driver", "filesystem", "berth.storage.filesystem.root", root.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // best effort, at exit
    }
  }
}
