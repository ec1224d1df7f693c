package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The 2014 registry's variables map onto Berth's properties. */
class LegacyEnvironmentConfigSourceTest {

  @Test
  void localFlavor_storagePath_isFilesystemRoot() {
    var s = new LegacyEnvironmentConfigSource(Map.of("SETTINGS_FLAVOR", "local", "STORAGE_PATH", "/var/lib/registry"));
    assertEquals("filesystem", s.getValue("berth.storage.driver"));
    assertEquals("/var/lib/registry", s.getValue("berth.storage.filesystem.root"));
    assertNull(s.getValue("berth.storage.azure.root"));
  }

  @Test
  void azureblobFlavor_mapsAccountKeyContainerAndPrefix() {
    var s = new LegacyEnvironmentConfigSource(Map.of(
        "SETTINGS_FLAVOR", "azureblob",
        "AZURE_STORAGE_ACCOUNT_NAME", "acct",
        "AZURE_STORAGE_ACCOUNT_KEY", "a2V5",
        "AZURE_STORAGE_CONTAINER", "images",
        "STORAGE_PATH", "/registry/"));
    assertEquals("azure", s.getValue("berth.storage.driver"));
    assertEquals("acct", s.getValue("berth.storage.azure.account-name"));
    assertEquals("a2V5", s.getValue("berth.storage.azure.account-key"));
    assertEquals("images", s.getValue("berth.storage.azure.container"));
    assertEquals("registry", s.getValue("berth.storage.azure.root"));
    assertNull(s.getValue("berth.storage.filesystem.root"));
  }

  @Test
  void connectionString_isReadFromConventionalVariable() {
    var s = new LegacyEnvironmentConfigSource(Map.of("AZURE_STORAGE_CONNECTION_STRING", "AccountName=a;AccountKey=b"));
    assertEquals("AccountName=a;AccountKey=b", s.getValue("berth.storage.azure.connection-string"));
    assertNull(s.getValue("berth.storage.driver"));
  }

  @Test
  void devAndTestFlavors_areLocalStorage_asIn2014() {
    assertEquals("filesystem", new LegacyEnvironmentConfigSource(Map.of("SETTINGS_FLAVOR", "dev")).getValue("berth.storage.driver"));
    assertEquals("filesystem", new LegacyEnvironmentConfigSource(Map.of("SETTINGS_FLAVOR", "test")).getValue("berth.storage.driver"));
  }

  @Test
  void unsupportedFlavors_mapNothing_andAreAProblem() {
    for (String f : new String[] {"s3", "prod", "gcs", "azure", "filesystem", "nonsense"}) {
      var s = new LegacyEnvironmentConfigSource(Map.of("SETTINGS_FLAVOR", f, "STORAGE_PATH", "/srv"));
      assertNull(s.getValue("berth.storage.driver"), f);
      assertNotNull(LegacyEnvironmentConfigSource.flavorProblem(f), f);
    }
    assertNull(LegacyEnvironmentConfigSource.flavorProblem(null));
    assertNull(LegacyEnvironmentConfigSource.flavorProblem(" AzureBlob "));
  }

  @Test
  void ordinal_liesBetweenApplicationPropertiesAndEnvironment() {
    int ordinal = new LegacyEnvironmentConfigSource(Map.of()).getOrdinal();
    assertEquals(true, ordinal > 250 && ordinal < 300);
  }

  @Test
  void nothingSet_mapsNothing() {
    assertEquals(Map.of(), new LegacyEnvironmentConfigSource(Map.of()).getProperties());
  }

  @Test
  void secret_neverPrintsItsValue() {
    assertEquals("***", new Secret("hunter2").toString());
    assertEquals("***", String.valueOf(new Secret("hunter2")));
  }
}
