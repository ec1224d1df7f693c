package dev.berth.boot;

import com.azure.core.credential.AzureSasCredential;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.util.Configuration;
import com.azure.core.util.ConfigurationBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.berth.config.BerthConfig;
import dev.berth.config.BerthConfig.AzureAuth;
import dev.berth.config.Secret;
import dev.berth.storage.azure.AzureBlobDriver;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Builds the Azure SDK client for the configured credential, with Berth's timeouts and retries,
 * and everything else the driver needs ({@link AzureBlobDriver.Setup}). No I/O: the SDK connects
 * on the first request. (The block-size range is checked by configuration validation.)
 */
final class AzureClientFactory {
  /** Health probes wait a few seconds, not the full retry budget of a data request. */
  private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

  private AzureClientFactory() {}

  static AzureBlobDriver.Setup setup(BerthConfig.Azure a) {
    AzureAuth auth = resolve(a);
    // Every setting is passed explicitly: the SDK's global Configuration reads the environment,
    // which a native image would freeze at build time.
    HttpClient http = new NettyAsyncHttpClientBuilder()
        .connectTimeout(a.connectTimeout())
        .responseTimeout(a.timeout())
        .readTimeout(a.timeout())
        .writeTimeout(a.timeout())
        .configuration(Configuration.NONE)
        .build();
    long tryTimeoutSeconds = Math.max(1, a.timeout().toSeconds());
    RequestRetryOptions retries = new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, a.maxRetries() + 1,
        (int) Math.min(Integer.MAX_VALUE, tryTimeoutSeconds), 500L, 30_000L, null);
    BlobServiceClientBuilder b = new BlobServiceClientBuilder()
        .httpClient(http)
        .retryOptions(retries)
        .configuration(Configuration.NONE);
    StorageSharedKeyCredential sharedKey = null;
    boolean token = false;
    switch (auth) {
      case CONNECTION_STRING -> {
        String connectionString = require(a.connectionString().map(Secret::value), "connection-string");
        b.connectionString(connectionString);
        a.endpoint().ifPresent(b::endpoint);
        sharedKey = sharedKeyOf(connectionString);
      }
      case SHARED_KEY -> {
        sharedKey = new StorageSharedKeyCredential(require(a.accountName(), "account-name"),
            require(a.accountKey().map(Secret::value), "account-key"));
        b.endpoint(endpoint(a)).credential(sharedKey);
      }
      case SAS -> b.endpoint(endpoint(a)).credential(
          new AzureSasCredential(require(a.sasToken().map(Secret::value), "sas-token").replaceFirst("^\\?", "")));
      default -> {
        b.endpoint(endpoint(a)).credential(defaultCredential(a));
        token = true;
      }
    }
    BlobContainerClient container;
    try {
      container = b.buildClient().getBlobContainerClient(a.container());
    } catch (IllegalArgumentException e) {
      // The SDK's messages about malformed settings don't echo the secret values.
      throw new IllegalArgumentException("invalid Azure storage settings (" + name(auth) + "): " + e.getMessage());
    }
    String root = normalizeRoot(a.root().orElse(null));
    Duration budget = a.timeout().multipliedBy(a.maxRetries() + 1L);
    Duration ping = a.timeout().compareTo(PING_TIMEOUT) < 0 ? a.timeout() : PING_TIMEOUT;
    String url = container.getBlobContainerUrl();
    int query = url.indexOf('?');
    String description = "azure container '" + a.container() + "' at " + (query < 0 ? url : url.substring(0, query))
        + (root.isEmpty() ? "" : " under " + root) + " (" + name(auth) + ")";
    var transfers = new AzureBlobDriver.Transfers(a.uploadParallelism(), a.downloadParallelism(), a.downloadRangeSize());
    return new AzureBlobDriver.Setup(container, root, a.blockSize(), budget, ping, a.createContainer(), sharedKey, token, description,
        transfers);
  }

  /** {@code auto}: the first configured of connection string, account key, SAS token, else default-credential. */
  static AzureAuth resolve(BerthConfig.Azure a) {
    if (a.auth() != AzureAuth.AUTO) {
      return a.auth();
    }
    return a.connectionString().isPresent() ? AzureAuth.CONNECTION_STRING
        : a.accountKey().isPresent() ? AzureAuth.SHARED_KEY
        : a.sasToken().isPresent() ? AzureAuth.SAS
        : AzureAuth.DEFAULT_CREDENTIAL;
  }

  private static String name(AzureAuth auth) {
    return auth.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static TokenCredential defaultCredential(BerthConfig.Azure a) {
    // The identity chain reads its settings from the environment (IDENTITY_ENDPOINT,
    // AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE, ...). Give it, and the HTTP client it
    // fetches tokens with, a Configuration read now: the SDK's global one is initialized
    // while a native image is built, so it would see the build machine's environment.
    Configuration runtime = runtimeConfiguration();
    DefaultAzureCredentialBuilder cb = new DefaultAzureCredentialBuilder()
        .configuration(runtime)
        .httpClient(new NettyAsyncHttpClientBuilder().configuration(runtime).build());
    // The builder's constructor reads this one from the global Configuration: read it again.
    String tenants = runtime.get("AZURE_ADDITIONALLY_ALLOWED_TENANTS");
    cb.additionallyAllowedTenants(tenants == null || tenants.isEmpty() ? new String[0] : tenants.split(";"));
    a.managedIdentityClientId().ifPresent(cb::managedIdentityClientId);
    return cb.build();
  }

  /** {@code ""} or a prefix ending in exactly one {@code /}. */
  static String normalizeRoot(String root) {
    if (root == null) {
      return "";
    }
    String r = root.replaceAll("^/+", "").replaceAll("/+$", "");
    return r.isEmpty() ? "" : r + "/";
  }

  /** The process's environment and system properties as they are now, as the SDK's global Configuration is on a JVM. */
  static Configuration runtimeConfiguration() {
    Map<String, String> env = Map.copyOf(System.getenv());
    Map<String, String> sys = new HashMap<>();
    Properties props = System.getProperties();
    for (String name : props.stringPropertyNames()) {
      sys.put(name, props.getProperty(name));
    }
    return new ConfigurationBuilder(path -> Map.of(), path -> sys, path -> env).build();
  }

  private static String endpoint(BerthConfig.Azure a) {
    return a.endpoint().orElseGet(() -> "https://" + require(a.accountName(), "account-name") + ".blob.core.windows.net");
  }

  private static String require(Optional<String> value, String property) {
    if (value.isEmpty() || value.get().isBlank()) {
      throw new IllegalArgumentException("berth.storage.azure." + property + " is required for this authentication mode");
    }
    return value.get();
  }

  /** The shared key inside a connection string, if it has one (to sign read-only SAS URLs). */
  static StorageSharedKeyCredential sharedKeyOf(String connectionString) {
    String name = null;
    String key = null;
    for (String part : connectionString.split(";")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String k = part.substring(0, eq).trim();
      String v = part.substring(eq + 1).trim();
      if (k.equalsIgnoreCase("AccountName")) {
        name = v;
      } else if (k.equalsIgnoreCase("AccountKey")) {
        key = v;
      }
    }
    return name != null && key != null ? new StorageSharedKeyCredential(name, key) : null;
  }
}
