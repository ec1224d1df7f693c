package dev.berth.it;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import java.util.Map;

/** {@link UploadPurgeIT} with Berth on Azure storage (Azurite), where a PATCH's bytes only become visible when it ends. */
class AzureUploadPurgeIT extends UploadPurgeIT {
  private static final String CONTAINER = "uploadpurge";

  @Override
  protected Map<String, String> storageEnv() {
    return Azurite.shared().sharedKeyEnv(CONTAINER);
  }

  private BlobContainerClient container;

  @Override
  protected boolean stored(RegistryProcess reg, String key) {
    if (container == null) { // built once: the first build loads the SDK, seconds on a loaded machine
      container = new BlobServiceClientBuilder().connectionString(Azurite.shared().connectionString())
          .buildClient().getBlobContainerClient(CONTAINER);
    }
    return container.getBlobClient(key).exists();
  }
}
