package dev.berth.gc;

import dev.berth.api.AzureStorageProfile;
import dev.berth.api.FilesystemStorageProfile;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.Map;

/** The GC tests' profiles: each driver with a grace of seconds, so that sweeps happen in a test. */
final class GcProfiles {
  static final long GRACE_MS = 2000;
  static final int LEASE_S = 3;

  private GcProfiles() {}

  static Map<String, String> withGrace(Map<String, String> base) {
    Map<String, String> m = new HashMap<>(base);
    m.put("berth.gc.grace", "PT" + GRACE_MS / 1000 + "S");
    m.put("berth.gc.lease", "PT" + LEASE_S + "S");
    return m;
  }

  public static class Memory implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return withGrace(Map.of("berth.storage.driver", "memory"));
    }
  }

  public static class Filesystem implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return withGrace(new FilesystemStorageProfile().getConfigOverrides());
    }
  }

  public static class Azure implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return withGrace(new AzureStorageProfile().getConfigOverrides());
    }
  }
}
