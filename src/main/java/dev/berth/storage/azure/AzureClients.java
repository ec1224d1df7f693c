package dev.berth.storage.azure;

import com.azure.core.credential.AzureSasCredential;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.util.Configuration;
import com.azure.core.util.ConfigurationBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.berth.storage.StorageException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** Builds the SDK client for the configured credential, with Berth's timeouts and retries. */
final class AzureClients {
  private AzureClients() {}

  /** The service client plus what the driver needs to sign read URLs. */
  record Clients(BlobServiceClient service, StorageSharedKeyCredential sharedKey, boolean tokenCredential) {}

  static Clients build(AzureSettings s) {
    // Every setting is passed explicitly: the SDK's global Configuration reads the environment,
    // which a native image would freeze at build time.
    HttpClient http = new NettyAsyncHttpClientBuilder()
        .connectTimeout(s.connectTimeout())
        .responseTimeout(s.timeout())
        .readTimeout(s.timeout())
        .writeTimeout(s.timeout())
        .configuration(Configuration.NONE)
        .build();
    long tryTimeoutSeconds = Math.max(1, s.timeout().toSeconds());
    RequestRetryOptions retries = new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, s.maxRetries() + 1,
        (int) Math.min(Integer.MAX_VALUE, tryTimeoutSeconds), 500L, 30_000L, null);
    BlobServiceClientBuilder b = new BlobServiceClientBuilder()
        .httpClient(http)
        .retryOptions(retries)
        .configuration(Configuration.NONE);
    StorageSharedKeyCredential sharedKey = null;
    boolean token = false;
    switch (s.auth()) {
      case CONNECTION_STRING -> {
        b.connectionString(require(s.connectionString(), "connection-string"));
        if (s.endpoint() != null) {
          b.endpoint(s.endpoint());
        }
        sharedKey = sharedKeyOf(s.connectionString());
      }
      case SHARED_KEY -> {
        sharedKey = new StorageSharedKeyCredential(require(s.accountName(), "account-name"), require(s.accountKey(), "account-key"));
        b.endpoint(endpoint(s)).credential(sharedKey);
      }
      case SAS -> b.endpoint(endpoint(s)).credential(new AzureSasCredential(require(s.sasToken(), "sas-token").replaceFirst("^\\?", "")));
      case DEFAULT_CREDENTIAL -> {
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
        if (s.managedIdentityClientId() != null) {
          cb.managedIdentityClientId(s.managedIdentityClientId());
        }
        TokenCredential credential = cb.build();
        b.endpoint(endpoint(s)).credential(credential);
        token = true;
      }
    }
    try {
      return new Clients(b.buildClient(), sharedKey, token);
    } catch (IllegalArgumentException e) {
      // The SDK's messages about malformed settings don't echo the secret values.
      throw new StorageException("invalid Azure storage settings (" + s.auth() + "): " + e.getMessage());
    }
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

  private static String endpoint(AzureSettings s) {
    if (s.endpoint() != null) {
      return s.endpoint();
    }
    return "https://" + require(s.accountName(), "account-name") + ".blob.core.windows.net";
  }

  private static String require(String value, String property) {
    if (value == null || value.isBlank()) {
      throw new StorageException("berth.storage.azure." + property + " is required for this authentication mode");
    }
    return value;
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
