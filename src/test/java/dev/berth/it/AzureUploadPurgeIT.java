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

  @Override
  protected boolean stored(RegistryProcess reg, String key) {
    BlobContainerClient c = new BlobServiceClientBuilder().connectionString(Azurite.shared().connectionString())
        .buildClient().getBlobContainerClient(CONTAINER);
    return c.getBlobClient(key).exists();
  }
}
