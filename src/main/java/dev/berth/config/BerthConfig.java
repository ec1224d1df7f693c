package dev.berth.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Berth's configuration, under {@code berth.}. Every property can be set in
 * application.properties or as an environment variable ({@code berth.storage.driver} is
 * {@code BERTH_STORAGE_DRIVER}); the 2014 registry's variables are mapped by
 * {@link LegacyEnvironmentConfigSource}. README's configuration table lists them all.
 * {@link BerthConfigCheck} refuses unknown names and invalid values before the application starts
 * ({@link BerthProperties} holds each property's rule).
 */
@ConfigMapping(prefix = "berth")
public interface BerthConfig {

  Storage storage();

  Delete delete();

  Manifests manifests();

  Pagination pagination();

  Health health();

  Uploads uploads();

  Auth auth();

  GcConfig gc();

  Metrics metrics();

  Ui ui();

  Events events();

  RetentionConfig.Tags tags();

  RetentionConfig retention();

  ProxyConfig proxy();

  /**
   * Serve pulls only: every push, upload and delete answers 405 UNSUPPORTED, and abandoned uploads
   * are not purged (a mirror, or a replica in front of storage another registry writes).
   */
  @WithDefault("false")
  boolean readOnly();

  /** Notifications of pushes, deletes and pulls to HTTP endpoints (README: Webhooks). */
  interface Events {
    /** The {@code source} of the CloudEvents Berth sends (a URI reference naming this registry, e.g. its public URL). */
    @WithDefault("berth")
    String source();

    /** The endpoints events go to, by a name of your choice (it labels logs and metrics). */
    Map<String, Endpoint> endpoints();
  }

  /** One webhook endpoint. */
  interface Endpoint {
    /** The http(s) URL events are POSTed to. */
    String url();

    /** Repository patterns ({@code *} within a component, {@code **} across) of the events sent here. */
    @WithDefault("**")
    List<String> repositories();

    /**
     * Which events are sent here: {@code push}, {@code delete} (manifests, tags, blobs), {@code pull},
     * {@code cache} (pull-through cache fills).
     */
    @WithDefault("push,delete")
    List<String> actions();

    /** Headers added to every delivery (e.g. {@code Authorization}); their values are never logged. */
    Map<String, String> headers();

    /** The key of the {@code X-Berth-Signature: sha256=<hex>} header, an HMAC-SHA256 over the body. */
    Optional<Secret> secret();

    /** Events waiting for delivery at most; more are dropped (counted and logged). */
    @WithDefault("1000")
    int queueSize();

    /** The time limit of one delivery attempt (connect and answer). */
    @WithDefault("PT10S")
    Duration timeout();

    /** Attempts per event before it is given up (network errors, 408, 429 and 5xx are retried). */
    @WithDefault("5")
    int maxAttempts();

    /** The wait before the first retry; it doubles for each further one, up to 5 minutes. */
    @WithDefault("PT1S")
    Duration backoff();
  }

  /** Who may do what. */
  interface Auth {
    /**
     * {@code none}: anyone who reaches the port may do anything (for loopback and private
     * networks); {@code basic}: accounts from the htpasswd file, HTTP Basic on every request;
     * {@code token}: the same accounts sign in at the built-in token service ({@code /token}) and
     * requests carry its short-lived signed tokens (Docker token authentication).
     */
    @WithDefault("none")
    AuthMode mode();

    /** The htpasswd file of the accounts (bcrypt entries, as {@code htpasswd -B} writes); re-read when it changes. */
    Optional<String> htpasswd();

    /**
     * The access-rules file (YAML); re-read when it changes. Without one, every signed-in account
     * may pull, push, delete and list the catalog, and anonymous clients nothing.
     */
    Optional<String> rules();

    /** The realm of the {@code WWW-Authenticate: Basic} challenge. */
    @WithDefault("berth")
    String realm();

    /** Failed sign-ins from one address for one account, per minute, before 429 TOOMANYREQUESTS. */
    @WithDefault("10")
    int maxFailuresPerMinute();

    /** The service name of tokens ({@code service=} of challenges, the {@code aud} claim). */
    @WithDefault("berth")
    String service();

    Token token();
  }

  /** The built-in token service ({@code berth.auth.mode=token}). */
  interface Token {
    /** The PEM file of the private key that signs tokens (PKCS#8, EC P-256 → ES256, or RSA → RS256). */
    Optional<String> signingKey();

    /**
     * PEM files of the public keys tokens are accepted from: the signing key's, and during a
     * rotation the next or the previous one (comma-separated).
     */
    Optional<List<String>> verificationKeys();

    /** How long an access token is valid. */
    @WithDefault("PT5M")
    Duration ttl();

    /** How long a refresh token ({@code offline_token=true}, {@code access_type=offline}) is valid. */
    @WithDefault("P7D")
    Duration refreshTtl();

    /** The {@code iss} of tokens. */
    @WithDefault("berth")
    String issuer();

    /**
     * The token endpoint's absolute URL in challenges (behind a proxy, its public address); default:
     * {@code /token} on the scheme and host the request came with.
     */
    Optional<String> realm();
  }

  /** How requests are authenticated. */
  enum AuthMode {
    none,
    basic,
    token
  }

  /** Where registry data lives. */
  interface Storage {
    /** Which driver stores the data: {@code filesystem}, {@code azure} or {@code memory}. */
    @WithDefault("filesystem")
    Driver driver();

    Filesystem filesystem();

    Azure azure();

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

    /**
     * Readiness goes DOWN when the root's file system has less free space than this (uploads
     * would fail): {@code 64M}, {@code 1G}, or bytes.
     */
    @WithDefault("64M")
    MemorySize minFreeSpace();

    /**
     * Write uploads with O_DIRECT where the file system allows it (whole blocks go to the device
     * without a copy into the page cache; a PATCH is durable for the cost of one fdatasync);
     * {@code false} writes through the page cache. File systems without O_DIRECT (tmpfs) use the
     * page cache either way.
     */
    @WithDefault("true")
    boolean directIo();
  }

  /** The Azure Blob Storage driver (block blobs). */
  interface Azure {
    /** The container that holds registry data (3-63 lowercase letters, digits, hyphens). */
    @WithDefault("registry")
    String container();

    /** A path prefix inside the container for all of Berth's blobs (none: the container root). */
    Optional<String> root();

    /**
     * How to authenticate: {@code auto} picks the first configured of connection string, account
     * key, SAS token, else {@code default-credential} (managed identity, workload identity, ...).
     */
    @WithDefault("auto")
    AzureAuth auth();

    /** The storage account name (with an account key, or to derive the endpoint). */
    Optional<String> accountName();

    /** The storage account's shared key. */
    Optional<Secret> accountKey();

    /** A full connection string (also read from {@code AZURE_STORAGE_CONNECTION_STRING}). */
    Optional<Secret> connectionString();

    /** A SAS token with read, write, delete, list and create permissions on the container. */
    Optional<Secret> sasToken();

    /**
     * The blob service endpoint, for Azurite, sovereign clouds or private endpoints; default
     * {@code https://<account-name>.blob.core.windows.net}.
     */
    Optional<String> endpoint();

    /** The client id of a user-assigned managed identity (default-credential only). */
    Optional<String> managedIdentityClientId();

    /** Create the container (private, no public access) at startup when it is missing. */
    @WithDefault("true")
    boolean createContainer();

    /** The size of the blocks layers are staged in (64 KiB to 100 MiB); small PATCHes are coalesced up to it. */
    @WithDefault("4194304")
    int blockSize();

    /** The time limit of one storage request (each retry gets its own). */
    @WithDefault("PT60S")
    Duration timeout();

    /** How many times a failed storage request is retried (throttling, timeouts, 5xx). */
    @WithDefault("4")
    int maxRetries();

    /** The time limit for opening a connection to storage. */
    @WithDefault("PT10S")
    Duration connectTimeout();

    /** How many blocks of one PATCH are staged at once (1 to 64); each holds a block-size buffer. */
    @WithDefault("4")
    int uploadParallelism();

    /** How many ranges of one blob GET are fetched at once (1 to 64); each holds a download-range-size buffer. */
    @WithDefault("4")
    int downloadParallelism();

    /** The size of the ranges a blob GET is fetched in (64 KiB to 100 MiB). */
    @WithDefault("4194304")
    int downloadRangeSize();
  }

  /** How the Azure driver authenticates. */
  enum AzureAuth {
    AUTO,
    CONNECTION_STRING,
    SHARED_KEY,
    SAS,
    DEFAULT_CREDENTIAL
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

  /** Upload sessions. */
  interface Uploads {
    /** Delete upload sessions with no activity for this long (clients abandon some). */
    @WithDefault("P7D")
    Duration purgeAfter();

    /** How often abandoned uploads are looked for, after the first time. */
    @WithDefault("PT24H")
    Duration purgeInterval();

    /**
     * The chunk size clients are asked to send at least ({@code OCI-Chunk-Min-Length} on a new
     * upload); smaller chunks are still taken.
     */
    @WithDefault("4M")
    MemorySize chunkMinLength();

    /** How long after start abandoned uploads are first looked for. */
    @WithDefault("PT5M")
    Duration purgeFirstRun();

    /** Whether abandoned uploads are purged at all. */
    @WithDefault("true")
    boolean purgeEnabled();
  }

  /** Berth's own metrics at {@code /q/metrics} (the JVM's and the process' are always there). */
  interface Metrics {
    /** Whether Berth records its HTTP, storage, upload and sign-in metrics (off: only the JVM's). */
    @WithDefault("true")
    boolean enabled();
  }

  /** The web UI at {@code /ui} (README: Web UI). */
  interface Ui {
    /** Whether {@code /ui} serves the read-only browsing pages; off: {@code /ui} answers 404 like any unknown path. */
    @WithDefault("true")
    boolean enabled();

    /**
     * How long a web UI sign-in lasts. The session is a signed cookie (any replica accepts it);
     * signing out, a changed password or a removed account end it before then.
     */
    @WithDefault("PT8H")
    Duration sessionTtl();
  }

  /** Health checks. */
  interface Health {
    /** How long a storage readiness result is reused before storage is asked again. */
    @WithDefault("PT10S")
    Duration cacheTtl();
  }
}
