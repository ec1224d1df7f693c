package dev.berth.api;

import dev.berth.it.Azurite;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Runs an API test class against Azure storage: the shared Azurite, a container of its own. */
public class AzureStorageProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Azurite.shared().sharedKeyConfig("api-suite");
  }
}
