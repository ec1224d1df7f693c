package dev.berth.storage.azure;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything the Azure driver needs, resolved from configuration. Secrets are held as plain
 * strings only here and in the SDK's credential objects; {@link #toString} hides them.
 */
public record AzureSettings(
    Auth auth,
    String endpoint,
    String accountName,
    String accountKey,
    String connectionString,
    String sasToken,
    String managedIdentityClientId,
    String container,
    String root,
    boolean createContainer,
    int blockSize,
    Duration timeout,
    int maxRetries,
    Duration connectTimeout) {

  /** The credential kinds the driver can use. */
  public enum Auth {
    CONNECTION_STRING,
    SHARED_KEY,
    SAS,
    DEFAULT_CREDENTIAL
  }

  public AzureSettings {
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(container, "container");
    root = normalizeRoot(root);
    if (blockSize < 64 * 1024 || blockSize > 100 * 1024 * 1024) {
      throw new IllegalArgumentException("berth.storage.azure.block-size must be between 64 KiB and 100 MiB");
    }
  }

  /** {@code ""} or a prefix ending in exactly one {@code /}. */
  static String normalizeRoot(String root) {
    if (root == null) {
      return "";
    }
    String r = root.replaceAll("^/+", "").replaceAll("/+$", "");
    return r.isEmpty() ? "" : r + "/";
  }

  @Override
  public String toString() {
    return "AzureSettings[auth=" + auth + ", endpoint=" + endpoint + ", account=" + accountName
        + ", container=" + container + ", root=" + root + "]";
  }
}
