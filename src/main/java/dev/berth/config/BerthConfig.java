package dev.berth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Berth's configuration, under {@code berth.}. Every property can be set in
 * application.properties or as an environment variable ({@code berth.storage.driver} is
 * {@code BERTH_STORAGE_DRIVER}); the 2014 registry's variables are mapped by
 * {@link LegacyEnvironmentConfigSource}. README's configuration table lists them all.
 */
@ConfigMapping(prefix = "berth")
public interface BerthConfig {

  Storage storage();

  Delete delete();

  Manifests manifests();

  Pagination pagination();

  Health health();

  /** Where registry data lives. */
  interface Storage {
    /** Which driver stores the data: {@code filesystem}, {@code azure} or {@code memory}. */
    @WithDefault("filesystem")
    Driver driver();

    Filesystem filesystem();

    /** How blob downloads are served. */
    Redirect redirect();
  }

  /** The storage drivers. */
  enum Driver {
    filesystem,
    azure,
    memory
  }

  /** The filesystem driver. */
  interface Filesystem {
    /** The directory that holds all registry data; created if missing. */
    @WithDefault("data")
    String root();
  }

  /** Redirecting blob downloads to the storage. */
  interface Redirect {
    /** Answer blob GETs with a 307 to a short-lived signed storage URL, when the driver can sign one. */
    @WithDefault("false")
    boolean enabled();

    /** How long a signed URL stays valid. */
    @WithDefault("PT10M")
    Duration ttl();
  }

  /** Deleting content. */
  interface Delete {
    /** Whether DELETE of manifests, tags and blobs is allowed (405 UNSUPPORTED when not). */
    @WithDefault("true")
    boolean enabled();
  }

  /** Manifest limits. */
  interface Manifests {
    /** The largest manifest accepted, in bytes (the spec's recommended 4 MiB). Larger: 413. */
    @WithDefault("4194304")
    int maxSize();
  }

  /** Listing limits. */
  interface Pagination {
    /** The most entries one catalog or tag-list page returns (larger {@code n} is capped). */
    @WithDefault("1000")
    int maxEntries();
  }

  /** Health checks. */
  interface Health {
    /** How long a storage readiness result is reused before storage is asked again. */
    @WithDefault("PT10S")
    Duration cacheTtl();
  }
}
