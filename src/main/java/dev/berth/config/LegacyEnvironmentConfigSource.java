package dev.berth.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Maps the 2014 docker-registry's environment variables ({@code SETTINGS_FLAVOR},
 * {@code STORAGE_PATH}, {@code AZURE_STORAGE_*}) onto Berth's properties, in this one place. Its
 * ordinal sits between application.properties (250) and the environment (300): the old
 * variables override the packaged defaults, and Berth's own {@code BERTH_*} variables override
 * them.
 */
public final class LegacyEnvironmentConfigSource implements ConfigSource {
  static final int ORDINAL = 275;
  private final Map<String, String> env;

  public LegacyEnvironmentConfigSource() {
    this(null);
  }

  /** For tests: read these variables instead of the process environment. */
  LegacyEnvironmentConfigSource(Map<String, String> env) {
    this.env = env;
  }

  private Map<String, String> env() {
    return env != null ? env : System.getenv();
  }

  /** Computed on each call: in a native image the environment is only known at run time. */
  @Override
  public Map<String, String> getProperties() {
    Map<String, String> e = env();
    Map<String, String> p = new HashMap<>();
    String flavor = e.get("SETTINGS_FLAVOR");
    String storagePath = e.get("STORAGE_PATH");
    boolean azure = flavor != null && flavor.trim().toLowerCase(Locale.ROOT).startsWith("azure");
    if (flavor != null) {
      switch (flavor.trim().toLowerCase(Locale.ROOT)) {
        case "local", "dev", "prod", "filesystem" -> p.put("berth.storage.driver", "filesystem");
        case "azureblob", "azure" -> p.put("berth.storage.driver", "azure");
        default -> { } // unknown flavors are left to Berth's own setting
      }
    }
    if (storagePath != null && !storagePath.isBlank()) {
      if (azure) {
        // The old Azure driver kept its data under storage_path inside the container.
        String prefix = storagePath.replaceAll("^/+", "").replaceAll("/+$", "");
        if (!prefix.isEmpty()) {
          p.put("berth.storage.azure.root", prefix);
        }
      } else {
        p.put("berth.storage.filesystem.root", storagePath);
      }
    }
    copy(e, "AZURE_STORAGE_ACCOUNT_NAME", p, "berth.storage.azure.account-name");
    copy(e, "AZURE_STORAGE_ACCOUNT_KEY", p, "berth.storage.azure.account-key");
    copy(e, "AZURE_STORAGE_CONTAINER", p, "berth.storage.azure.container");
    copy(e, "AZURE_STORAGE_CONNECTION_STRING", p, "berth.storage.azure.connection-string");
    copy(e, "AZURE_STORAGE_SAS_TOKEN", p, "berth.storage.azure.sas-token");
    return p;
  }

  private static void copy(Map<String, String> env, String var, Map<String, String> p, String property) {
    String v = env.get(var);
    if (v != null && !v.isBlank()) {
      p.put(property, v);
    }
  }

  @Override
  public Set<String> getPropertyNames() {
    return getProperties().keySet();
  }

  @Override
  public String getValue(String propertyName) {
    return propertyName.startsWith("berth.") ? getProperties().get(propertyName) : null;
  }

  @Override
  public String getName() {
    return "legacy-registry-environment";
  }

  @Override
  public int getOrdinal() {
    return ORDINAL;
  }
}
