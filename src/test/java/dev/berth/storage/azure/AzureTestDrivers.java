package dev.berth.storage.azure;

import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.berth.it.Azurite;
import java.time.Duration;
import java.util.UUID;

/** Azure drivers for tests, on Azurite (or an endpoint where nothing listens), built as dev.berth.boot builds them. */
final class AzureTestDrivers {
  private AzureTestDrivers() {}

  static String container(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 13);
  }

  /** A container client with this account key, few retries and short timeouts. */
  static BlobContainerClient client(String endpoint, String key, String container, int maxTries) {
    return new BlobServiceClientBuilder()
        .endpoint(endpoint)
        .credential(new StorageSharedKeyCredential(Azurite.ACCOUNT, key))
        .httpClient(new NettyAsyncHttpClientBuilder().connectTimeout(Duration.ofSeconds(2)).build())
        .retryOptions(new RequestRetryOptions(RetryPolicyType.FIXED, maxTries, 10, 100L, 100L, null))
        .buildClient()
        .getBlobContainerClient(container);
  }

  static AzureBlobDriver driver(BlobContainerClient client, String root, int blockSize, boolean createContainer) {
    return driver(client, root, blockSize, createContainer, AzureBlobDriver.Transfers.DEFAULTS);
  }

  static AzureBlobDriver driver(BlobContainerClient client, String root, int blockSize, boolean createContainer,
      AzureBlobDriver.Transfers transfers) {
    StorageSharedKeyCredential key = new StorageSharedKeyCredential(Azurite.ACCOUNT, Azurite.KEY);
    return new AzureBlobDriver(new AzureBlobDriver.Setup(client, root, blockSize, Duration.ofSeconds(30), Duration.ofSeconds(2),
        createContainer, key, false, "azure container '" + client.getBlobContainerName() + "' (test)", transfers));
  }

  /** A driver on the shared Azurite with the right key. */
  static AzureBlobDriver onAzurite(String container, String root, int blockSize) {
    return driver(client(Azurite.shared().endpoint(), Azurite.KEY, container, 3), root, blockSize, true);
  }

  /** The SDK's own client for the container, to look behind the driver. */
  static BlobContainerClient raw(String container) {
    return new BlobServiceClientBuilder().connectionString(Azurite.shared().connectionString()).buildClient()
        .getBlobContainerClient(container);
  }
}
