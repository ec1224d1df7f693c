package dev.berth.registry;

/**
 * The one map from registry concepts to storage keys. Nothing else builds a key.
 *
 * <pre>
 * &lt;root&gt;/
 * ├── blobs/&lt;alg&gt;/&lt;hex[0:2]&gt;/&lt;hex&gt;/data          the bytes of every blob and manifest, stored once
 * │                            .../&lt;hex&gt;/marker        when a push last relied on it, or that GC condemned it
 * ├── repositories/&lt;name&gt;/                      a repository; '/' in its name is written ','
 * │   ├── _layers/&lt;alg&gt;/&lt;hex&gt;                   blob linked into the repository (pushed or mounted)
 * │   ├── _manifests/&lt;alg&gt;/&lt;hex&gt;                manifest in the repository; holds its media type
 * │   ├── _tags/&lt;tag&gt;                           tag; holds the digest it points at
 * │   └── _referrers/&lt;alg&gt;/&lt;hex&gt;/&lt;alg&gt;-&lt;hex&gt;    manifest whose subject is &lt;alg&gt;:&lt;hex&gt;; its descriptor
 * ├── _uploads/&lt;uuid&gt;                           an upload session (JSON): repository, digest
 * │                                             algorithm, start, last activity, finishing claim
 * ├── _data/&lt;uuid&gt;                              the bytes an upload received; renamed into blobs/
 * │                                             when it finishes (Azure can't rename: they stay)
 * ├── _auth/robots/&lt;id&gt;                         a robot account (JSON): scopes, expiry, SHA-256 of its secret
 * ├── _gc/lease                                 which GC run holds the lease, until when (one run at a time)
 * ├── _proxy/&lt;upstream&gt;/pulls                   when each cached manifest of an upstream was last pulled
 * └── _ui/session-key                           the key web UI session cookies are signed with (created once)
 * </pre>
 *
 * <p>Repository names are flattened (',' cannot occur in a name) so that listing
 * {@code repositories/} with the {@code /} delimiter is the catalog, one entry per repository,
 * without walking what the repositories hold. Tags are leaf objects for the same reason. Upload
 * sessions and upload bytes are apart so that listing {@code _uploads/} (to purge abandoned
 * sessions) sees only the sessions in progress, never the bytes of every blob ever pushed.
 */
public final class StorageLayout {
  public static final String REPOSITORIES = "repositories/";
  /** Every stored blob, once: {@code <alg>/<hex[0:2]>/<hex>/} under it. */
  public static final String BLOBS = "blobs/";
  public static final String UPLOADS = "_uploads/";
  public static final String UPLOAD_DATA = "_data/";
  /** Robot accounts, one object each, so that every replica sees them. */
  public static final String ROBOTS = "_auth/robots/";

  /** The HMAC key of web UI sessions and CSRF tokens ({@code dev.berth.ui.SessionKey}): every replica signs with it. */
  public static final String UI_SESSION_KEY = "_ui/session-key";

  /** The lease one GC run at a time holds ({@code dev.berth.gc.GcLease}). */
  public static final String GC_LEASE = "_gc/lease";

  private StorageLayout() {}

  /** When each manifest cached from an upstream was last pulled ({@code PullTimes}): one object per upstream. */
  public static String pullTimes(String upstream) {
    return "_proxy/" + upstream + "/pulls";
  }

  public static String robot(String id) {
    return ROBOTS + id;
  }

  public static String blobData(Digest d) {
    return "blobs/" + d.algorithm().id() + "/" + d.hex().substring(0, 2) + "/" + d.hex() + "/data";
  }

  /** The garbage collection marker beside a blob's data ({@link BlobMarkers}). */
  public static String blobMarker(Digest d) {
    return "blobs/" + d.algorithm().id() + "/" + d.hex().substring(0, 2) + "/" + d.hex() + "/marker";
  }

  /** The directory entry of a repository under {@link #REPOSITORIES}, with its trailing slash. */
  public static String repositoryEntry(RepositoryName name) {
    return name.value().replace('/', ',') + "/";
  }

  /** The repository a {@link #REPOSITORIES} listing entry stands for. */
  public static RepositoryName repositoryOf(String entry) {
    String e = entry.endsWith("/") ? entry.substring(0, entry.length() - 1) : entry;
    return new RepositoryName(e.replace(',', '/'));
  }

  public static String repository(RepositoryName name) {
    return REPOSITORIES + repositoryEntry(name);
  }

  public static String layerLink(RepositoryName name, Digest d) {
    return repository(name) + "_layers/" + d.algorithm().id() + "/" + d.hex();
  }

  public static String manifestLink(RepositoryName name, Digest d) {
    return repository(name) + "_manifests/" + d.algorithm().id() + "/" + d.hex();
  }

  public static String tags(RepositoryName name) {
    return repository(name) + "_tags/";
  }

  public static String tag(RepositoryName name, Tag tag) {
    return tags(name) + tag.value();
  }

  public static String referrers(RepositoryName name, Digest subject) {
    return repository(name) + "_referrers/" + subject.algorithm().id() + "/" + subject.hex() + "/";
  }

  public static String referrer(RepositoryName name, Digest subject, Digest referrer) {
    return referrers(name, subject) + referrer.algorithm().id() + "-" + referrer.hex();
  }

  public static String uploadState(String uuid) {
    return UPLOADS + uuid;
  }

  public static String uploadData(String uuid) {
    return UPLOAD_DATA + uuid;
  }
}
