package dev.berth.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;

/** {@link SmallLimitsApiTest} with Berth storing on the filesystem. */
@QuarkusTest
@TestProfile(FilesystemSmallLimitsApiTest.Limits.class)
class FilesystemSmallLimitsApiTest extends SmallLimitsApiTest {
  public static class Limits extends SmallLimits {
    @Override
    protected Map<String, String> storage() {
      return new FilesystemStorageProfile().getConfigOverrides();
    }
  }
}
