package dev.berth.storage.azure;

import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.berth.it.Azurite;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageDriverContract;
import java.time.Duration;
import java.util.UUID;

/** The driver contract, unchanged, on {@link AzureBlobDriver} against Azurite (own container per test). */
class AzureBlobDriverTest extends StorageDriverContract {
  private String container;

  @Override
  protected StorageDriver newDriver() {
    container = "contract-" + UUID.randomUUID().toString().substring(0, 13);
    // A small block size so the suite's multi-MiB appends cross many blocks.
    return AzureBlobDriver.connect(new AzureSettings(AzureSettings.Auth.CONNECTION_STRING, null, null, null,
        Azurite.shared().connectionString(), null, null, container, "root", true, 256 * 1024,
        Duration.ofSeconds(30), 2, Duration.ofSeconds(5)));
  }

  @Override
  protected void cleanup(StorageDriver driver) {
    new BlobServiceClientBuilder().connectionString(Azurite.shared().connectionString()).buildClient()
        .getBlobContainerClient(container).deleteIfExists();
  }
}
