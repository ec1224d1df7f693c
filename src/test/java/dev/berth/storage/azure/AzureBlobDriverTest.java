package dev.berth.storage.azure;

import static dev.berth.storage.ContractData.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.Azurite;
import dev.berth.it.RegistryProcess;
import dev.berth.storage.BaseDriver;
import dev.berth.storage.Precondition;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageDriverContract;
import dev.berth.storage.StorageException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The driver contract, unchanged, on {@link AzureBlobDriver} against Azurite (own container per
 * test), and the reasons it gives when storage is wrong: rejected credentials, an endpoint where
 * nothing listens, a missing container; never with a secret.
 */
class AzureBlobDriverTest extends StorageDriverContract {
  private String container;

  @Override
  protected StorageDriver newDriver() {
    container = AzureTestDrivers.container("contract");
    // A small block size so the suite's multi-MiB appends cross many blocks.
    return AzureTestDrivers.onAzurite(container, "root/", 256 * 1024);
  }

  @Override
  protected void cleanup(StorageDriver driver) {
    AzureTestDrivers.raw(container).deleteIfExists();
  }

  @Test
  void buildingTheDriverCreatesNoContainer() {
    assertFalse(AzureTestDrivers.raw(container).exists(), "the constructor did I/O");
    driver.stat("k");
    assertTrue(AzureTestDrivers.raw(container).exists());
  }

  @Test
  void aWrongAccountKeyIsCredentialsRejected_withoutTheKey() {
    String wrongKey = Base64.getEncoder().encodeToString(new byte[64]);
    StorageDriver wrong = new BaseDriver(AzureTestDrivers.driver(
        AzureTestDrivers.client(Azurite.shared().endpoint(), wrongKey, container, 1), "", 64 * 1024, true));
    StorageException e = assertThrows(StorageException.class, () -> wrong.putSmall("k", bytes("v"), Precondition.NONE));
    assertTrue(e.reason().startsWith("credentials rejected or insufficient permissions (HTTP 403"), e.reason());
    assertNoSecret(e, wrongKey);
    assertThrows(StorageException.class, wrong::ping);
  }

  @Test
  void anEndpointWhereNothingListensIsCannotReach() throws Exception {
    int port = RegistryProcess.freePort();
    StorageDriver down = new BaseDriver(AzureTestDrivers.driver(
        AzureTestDrivers.client("http://127.0.0.1:" + port + "/" + Azurite.ACCOUNT, Azurite.KEY, container, 1), "", 64 * 1024, true));
    StorageException e = assertThrows(StorageException.class, () -> down.stat("k"));
    assertTrue(e.reason().startsWith("cannot reach 127.0.0.1:" + port + " ("), e.reason());
    assertNoSecret(e, Azurite.KEY);
    StorageException again = assertThrows(StorageException.class, down::ping);
    assertEquals(e.reason(), again.reason(), "within the retry spacing: the same failure");
  }

  @Test
  void aMissingContainerWithCreationOff_recoversOnceItIsCreated() throws Exception {
    StorageDriver noCreate = new BaseDriver(AzureTestDrivers.driver(
        AzureTestDrivers.client(Azurite.shared().endpoint(), Azurite.KEY, container, 1), "", 64 * 1024, false));
    StorageException e = assertThrows(StorageException.class, () -> noCreate.getSmall("k"));
    assertEquals("container '" + container + "' does not exist (berth.storage.azure.create-container is false)", e.reason());
    assertFalse(AzureTestDrivers.raw(container).exists(), "create-container=false created it");
    AzureTestDrivers.raw(container).create();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try {
        noCreate.putSmall("k", bytes("v"), Precondition.NONE);
        break;
      } catch (StorageException retrying) {
        assertTrue(System.nanoTime() < deadline, "did not recover: " + retrying.reason());
        Thread.sleep(100);
      }
    }
    assertEquals("v", new String(noCreate.getSmall("k").orElseThrow().data()));
  }

  private static void assertNoSecret(StorageException e, String key) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String text = t.getMessage() + " " + (t instanceof StorageException s ? s.reason() : "");
      assertFalse(text.contains(key) || text.contains(key.substring(0, 16)), "a secret in " + text);
      assertFalse(text.contains("sig="), "a signature in " + text);
    }
  }
}
