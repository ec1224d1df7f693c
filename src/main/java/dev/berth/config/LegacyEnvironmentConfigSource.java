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
  static final String NAME = "legacy-registry-environment";
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

  /**
   * The 2014 flavors Berth serves, and the driver each means. {@code dev} (the 2014 default) and
   * {@code test} inherited {@code local}'s storage. Its other flavors stored elsewhere and fail at
   * startup: a registry that silently stored on the local disk instead would lose the images.
   */
  static final Map<String, String> FLAVORS = Map.of("local", "filesystem", "dev", "filesystem", "test", "filesystem", "azureblob", "azure");

  /** The 2014 flavors Berth has no driver for, and where they stored. */
  private static final Map<String, String> UNSUPPORTED = Map.ofEntries(
      Map.entry("s3", "Amazon S3"), Map.entry("prod", "Amazon S3"), Map.entry("ceph-s3", "Ceph's S3 gateway"),
      Map.entry("gcs", "Google Cloud Storage"), Map.entry("swift", "OpenStack Swift"), Map.entry("glance", "OpenStack Glance"),
      Map.entry("glance-swift", "OpenStack Glance"), Map.entry("openstack", "OpenStack Glance"),
      Map.entry("openstack-swift", "OpenStack Glance"), Map.entry("elliptics", "Elliptics"), Map.entry("oss", "Aliyun OSS"));

  /** The variable each mapped property is read from, to name it in a configuration error. */
  static final Map<String, String> VARIABLES = Map.of(
      "berth.storage.driver", "SETTINGS_FLAVOR",
      "berth.storage.filesystem.root", "STORAGE_PATH",
      "berth.storage.azure.root", "STORAGE_PATH",
      "berth.storage.azure.account-name", "AZURE_STORAGE_ACCOUNT_NAME",
      "berth.storage.azure.account-key", "AZURE_STORAGE_ACCOUNT_KEY",
      "berth.storage.azure.container", "AZURE_STORAGE_CONTAINER",
      "berth.storage.azure.connection-string", "AZURE_STORAGE_CONNECTION_STRING",
      "berth.storage.azure.sas-token", "AZURE_STORAGE_SAS_TOKEN");

  /** Computed on each call: in a native image the environment is only known at run time. */
  @Override
  public Map<String, String> getProperties() {
    Map<String, String> e = env();
    Map<String, String> p = new HashMap<>();
    String driver = driverOf(e.get("SETTINGS_FLAVOR"));
    if (driver != null) {
      p.put("berth.storage.driver", driver);
    }
    String storagePath = e.get("STORAGE_PATH");
    if (storagePath != null && !storagePath.isBlank()) {
      if ("azure".equals(driver)) {
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

  /** The driver a flavor means; null when the flavor is unset or not one Berth serves. */
  static String driverOf(String flavor) {
    return flavor == null ? null : FLAVORS.get(flavor.trim().toLowerCase(Locale.ROOT));
  }

  /** Why this {@code SETTINGS_FLAVOR} can't be served, or null when it can (or isn't set). */
  static String flavorProblem(String flavor) {
    if (flavor == null || flavor.isBlank() || driverOf(flavor) != null) {
      return null;
    }
    String f = flavor.trim().toLowerCase(Locale.ROOT);
    String where = UNSUPPORTED.get(f);
    return "SETTINGS_FLAVOR=" + ConfigProblems.clip(flavor.trim()) + " is not supported"
        + (where == null ? "" : " (the 2014 registry's " + f + " flavor stored on " + where + ")")
        + "; accepted: local, dev, test (filesystem storage), azureblob (Azure Blob Storage)";
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
    return NAME;
  }

  @Override
  public int getOrdinal() {
    return ORDINAL;
  }
}
