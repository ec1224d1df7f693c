package dev.berth.proxy;

import dev.berth.config.BerthConfig;
import dev.berth.events.Events;
import dev.berth.registry.BlobService;
import dev.berth.registry.CacheFills;
import dev.berth.registry.CatalogService;
import dev.berth.registry.Digest;
import dev.berth.registry.ErrorCode;
import dev.berth.registry.ManifestService;
import dev.berth.registry.ManifestService.StoredManifest;
import dev.berth.registry.PullTimes;
import dev.berth.registry.RegistryException;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.UploadService;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The pull-through cache: repositories under an upstream's name ({@code hub/library/alpine} for
 * the upstream {@code hub}) are read from that upstream ({@code library/alpine}) and kept in
 * Berth's storage under their prefixed name, in the normal layout. Clients can't write to them.
 * With a default upstream (mirror mode), pulls of repositories that don't exist locally are
 * served as that upstream's prefixed repository ({@link #served}).
 */
@Singleton
public class ProxyService {
  private final Map<String, Upstream> upstreams = new TreeMap<>();
  private final ProxyManifests manifests;
  private final BlobService blobs;
  private final BlobFlights flights;
  private final CatalogService catalog;
  private final PullTimes pullTimes;
  /** The default upstream's name; null: no mirror mode. */
  private final String defaultUpstream;

  public ProxyService(BerthConfig config, ManifestService manifests, CacheFills fills, BlobService blobs, UploadService uploads,
      CatalogService catalog, Events events, Instance<MeterRegistry> meters, PullTimes pullTimes) {
    this.pullTimes = pullTimes;
    Optional<MeterRegistry> registry = config.metrics().enabled() && meters.isResolvable() ? Optional.of(meters.get()) : Optional.empty();
    config.proxy().upstreams().forEach((name, u) -> upstreams.put(name, new Upstream(name, u, new CacheStats(name, registry, events))));
    this.defaultUpstream = config.proxy().defaultUpstream().map(String::trim).orElse(null);
    if (defaultUpstream != null && !upstreams.containsKey(defaultUpstream)) { // ConfigProblems stops the start before
      throw new IllegalStateException("berth.proxy.default-upstream names no configured upstream");
    }
    this.catalog = catalog;
    this.manifests = new ProxyManifests(manifests, fills, config.manifests().maxSize());
    this.blobs = blobs;
    this.flights = new BlobFlights(blobs, uploads);
  }

  /** Whether the repository belongs to an upstream (its first component is an upstream's name). */
  public boolean proxied(RepositoryName repo) {
    return !upstreams.isEmpty() && upstreams.containsKey(first(repo));
  }

  /**
   * The repository a pull of {@code repo} (manifest GET/HEAD, blob GET) is served from: itself,
   * unless there is a default upstream, {@code repo} is under no upstream's name and nothing is
   * stored under it; then the default upstream's prefixed repository ({@code library/alpine} ->
   * {@code hub/library/alpine}), so mirror pulls share the cache with prefixed ones. The one
   * routing rule for both resources; costs one storage list call, and only in mirror mode. Blob
   * HEADs stay local: pushers ask them before their first upload creates the repository.
   */
  public RepositoryName served(RepositoryName repo) {
    if (defaultUpstream == null || proxied(repo)) {
      return repo;
    }
    String prefixed = defaultUpstream + "/" + repo.value();
    if (prefixed.length() > RepositoryName.MAX_LENGTH || catalog.exists(repo)) {
      return repo;
    }
    return new RepositoryName(prefixed);
  }

  /**
   * A manifest of a proxied repository: from the cache, else (and for a tag, once its TTL is
   * over, when it moved) from the upstream.
   *
   * @throws RegistryException MANIFEST_UNKNOWN; UNAVAILABLE when the upstream fails and nothing is cached
   */
  public StoredManifest manifest(RepositoryName repo, dev.berth.registry.Reference ref) {
    StoredManifest m = manifests.get(upstream(repo), repo, remote(repo), ref);
    pullTimes.pulled(repo, m.digest()); // in memory: GC's cache eviction ranks by it
    return m;
  }

  /**
   * The size of a blob of a proxied repository: stored, else as the upstream says (nothing is fetched).
   *
   * @throws RegistryException BLOB_UNKNOWN; UNAVAILABLE
   */
  public long blobSize(RepositoryName repo, Digest digest) {
    if (blobs.exists(repo, digest)) {
      return blobs.size(repo, digest);
    }
    Upstream u = upstream(repo);
    try {
      HttpResponse<InputStream> r = u.client().send("HEAD", remote(repo), "blobs/" + digest, null);
      UpstreamClient.discard(r);
      if (r.statusCode() == 404) {
        throw ErrorCode.BLOB_UNKNOWN.with(digest.toString());
      }
      if (r.statusCode() != 200) {
        throw unavailable(new UpstreamException("upstream " + u.name() + " answered " + r.statusCode(), r.statusCode()));
      }
      return r.headers().firstValueAsLong("Content-Length").orElseThrow(() -> ErrorCode.UNAVAILABLE.with(
          "upstream " + u.name() + " gave no blob size"));
    } catch (UpstreamException e) {
      throw unavailable(e);
    }
  }

  /**
   * A blob of a proxied repository: empty when it is in storage (now: perhaps after waiting for
   * another request's fetch), else the fetch this request makes, which the caller writes out.
   *
   * @throws RegistryException BLOB_UNKNOWN; UNAVAILABLE
   */
  public Optional<BlobFill> blob(RepositoryName repo, Digest digest) {
    if (blobs.exists(repo, digest)) {
      upstream(repo).stats().hit(CacheStats.BLOB);
      return Optional.empty();
    }
    Upstream u = upstream(repo);
    Optional<BlobFill> fill = flights.join(u, repo, remote(repo), digest);
    u.stats().count(CacheStats.BLOB, fill.isPresent() ? CacheStats.MISS : CacheStats.HIT); // waited for another's fetch, or linked: a hit
    return fill;
  }

  static RegistryException unavailable(UpstreamException e) {
    return ErrorCode.UNAVAILABLE.with(e.getMessage());
  }

  private Upstream upstream(RepositoryName repo) {
    Upstream u = upstreams.get(first(repo));
    if (u == null || remote(repo).isEmpty()) {
      throw ErrorCode.NAME_UNKNOWN.with("repository " + repo + " names no repository of an upstream");
    }
    return u;
  }

  private static String first(RepositoryName repo) {
    int slash = repo.value().indexOf('/');
    return slash < 0 ? repo.value() : repo.value().substring(0, slash);
  }

  private static String remote(RepositoryName repo) {
    int slash = repo.value().indexOf('/');
    return slash < 0 ? "" : repo.value().substring(slash + 1);
  }
}
