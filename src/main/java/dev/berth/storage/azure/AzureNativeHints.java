package dev.berth.storage.azure;

import com.azure.storage.blob.implementation.models.BlobStorageError;
import com.azure.storage.blob.implementation.models.BlobStorageExceptionInternal;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the native executable must keep for reflection beyond the SDK's own native-image
 * configuration, which names the error types of older service versions only. The SDK creates the
 * exception for an error status (404, 409, 412, ...) reflectively from the service interface's
 * {@code @UnexpectedResponseExceptionType}; without these every such answer became a 500.
 */
@RegisterForReflection(targets = {BlobStorageExceptionInternal.class, BlobStorageError.class})
final class AzureNativeHints {
  private AzureNativeHints() {}
}
