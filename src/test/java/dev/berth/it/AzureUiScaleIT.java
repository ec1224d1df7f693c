package dev.berth.it;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.core.util.BinaryData;
import java.util.List;

/** {@link UiScaleIT} on Azure storage (Azurite): the catalog pages through blob listings. */
@OnAzurite
class AzureUiScaleIT extends UiScaleIT {
  @Override
  void seed(List<String> keys) {
    // The container RegistryExtension gave this class (named after it); the registry created it at startup.
    BlobContainerClient c = new BlobServiceClientBuilder().connectionString(Azurite.shared().connectionString()).buildClient()
        .getBlobContainerClient(getClass().getSimpleName().toLowerCase().replaceAll("[^a-z0-9]", ""));
    BinaryData data = BinaryData.fromString(TAG);
    keys.parallelStream().forEach(k -> c.getBlobClient(k).upload(data, true));
  }

  @Override
  String storageName() {
    return "azurite";
  }
}
