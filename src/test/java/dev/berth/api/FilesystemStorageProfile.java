package dev.berth.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/** Runs an API test class against the filesystem driver, in a fresh temporary root. */
public class FilesystemStorageProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    try {
      return Map.of("berth.storage.driver", "filesystem",
          "berth.storage.filesystem.root", Files.createTempDirectory("berth-api-fs").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
