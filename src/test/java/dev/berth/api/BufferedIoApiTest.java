package dev.berth.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code berth.storage.filesystem.direct-io=false}: a pushed layer is written through the page cache. */
@QuarkusTest
@TestProfile(BufferedIoApiTest.Buffered.class)
class BufferedIoApiTest {
  public static class Buffered extends FilesystemStorageProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> m = new HashMap<>(super.getConfigOverrides());
      m.put("berth.storage.filesystem.direct-io", "false");
      return m;
    }
  }

  @Test
  void pushedLayer_inPageCache() throws Exception {
    long resident = DirectIoApiTest.pushAndCountResident();
    assertTrue(resident >= DirectIoApiTest.SIZE / 2, "resident bytes of the stored blob: " + resident);
  }
}
