package dev.berth.proxy;

import dev.berth.registry.CacheFills;
import dev.berth.registry.CacheFills.CachedTag;
import dev.berth.registry.Digest;
import dev.berth.registry.DigestAlgorithm;
import dev.berth.registry.ErrorCode;
import dev.berth.registry.ManifestService;
import dev.berth.registry.ManifestService.StoredManifest;
import dev.berth.registry.Reference;
import dev.berth.registry.RegistryException;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Optional;

/**
 * Manifests of proxied repositories. By digest: fetched once, verified, then served from storage
 * for good. By tag: served from storage for the upstream's tag TTL after it was fetched or
 * checked; then a {@code HEAD} (which Docker Hub doesn't count against its rate limit) says
 * whether the tag moved, and only then is the manifest fetched again. When the upstream fails
 * (down, 429, 5xx, refusing), a cached copy is served.
 */
final class ProxyManifests {
  static final String ACCEPT = String.join(", ", "application/vnd.oci.image.index.v1+json",
      "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
      "application/vnd.docker.distribution.manifest.v2+json");

  private final ManifestService manifests;
  private final CacheFills fills;
  private final int maxSize;

  ProxyManifests(ManifestService manifests, CacheFills fills, int maxSize) {
    this.manifests = manifests;
    this.fills = fills;
    this.maxSize = maxSize;
  }

  StoredManifest get(Upstream u, RepositoryName repo, String remote, Reference ref) {
    if (ref instanceof Reference.ByDigest d) {
      if (fills.hasManifest(repo, d.digest())) {
        u.stats().hit(CacheStats.MANIFEST);
        return manifests.get(repo, ref);
      }
      return fetch(u, repo, remote, d.digest().toString(), d.digest(), Optional.empty());
    }
    Tag tag = ((Reference.ByTag) ref).tag();
    Optional<CachedTag> cached = fills.tag(repo, tag).filter(c -> fills.hasManifest(repo, c.digest()));
    if (cached.isEmpty()) {
      return fetch(u, repo, remote, tag.value(), null, Optional.of(tag));
    }
    boolean fresh = Instant.now().isBefore(cached.get().checked().plus(u.tagTtl()));
    if (fresh || u.resting()) {
      u.stats().count(CacheStats.MANIFEST, fresh ? CacheStats.HIT : CacheStats.STALE); // stale: past its TTL, upstream resting
      return manifests.get(repo, ref);
    }
    try {
      Optional<Digest> now = head(u, remote, tag);
      u.answered();
      if (now.isPresent() && now.get().equals(cached.get().digest())) {
        fills.checked(repo, tag, now.get());
        u.stats().hit(CacheStats.MANIFEST); // unchanged upstream: no content fetched
        return manifests.get(repo, ref);
      }
      return fetch(u, repo, remote, tag.value(), null, Optional.of(tag));
    } catch (RegistryException e) {
      if (e.code() != ErrorCode.UNAVAILABLE) {
        throw e; // the upstream says the tag is gone, or sent something invalid
      }
      u.servingCached(e.detail());
      u.stats().stale(CacheStats.MANIFEST);
      return manifests.get(repo, ref);
    }
  }

  /** The digest the upstream's tag names now, when its answer says. */
  private Optional<Digest> head(Upstream u, String remote, Tag tag) {
    HttpResponse<InputStream> r = send(u, "HEAD", remote, tag.value());
    UpstreamClient.discard(r);
    check(u, r, tag.value());
    return r.headers().firstValue("Docker-Content-Digest").flatMap(ProxyManifests::digest);
  }

  /** Fetches, verifies and stores a manifest (pointing the tag at it, when fetched by tag). */
  private StoredManifest fetch(Upstream u, RepositoryName repo, String remote, String ref, Digest expected, Optional<Tag> tag) {
    HttpResponse<InputStream> r = send(u, "GET", remote, ref);
    byte[] bytes;
    try (InputStream in = r.body()) {
      check(u, r, ref);
      bytes = in.readNBytes(maxSize + 1);
      u.stats().received(bytes.length);
    } catch (IOException e) {
      u.stats().brokeOff();
      throw ErrorCode.UNAVAILABLE.with("upstream " + u.name() + " broke off a manifest");
    }
    if (bytes.length > maxSize) {
      throw ErrorCode.UNAVAILABLE.with("upstream " + u.name() + " sent a manifest larger than " + maxSize + " bytes");
    }
    Optional<Digest> said = r.headers().firstValue("Docker-Content-Digest").flatMap(ProxyManifests::digest);
    DigestAlgorithm alg = expected != null ? expected.algorithm() : said.map(Digest::algorithm).orElse(DigestAlgorithm.SHA256);
    Digest actual = Digest.of(alg, bytes);
    if ((expected != null && !expected.equals(actual)) || (said.isPresent() && said.get().algorithm() == alg && !said.get().equals(actual))) {
      throw ErrorCode.UNAVAILABLE.with("upstream " + u.name() + " sent a manifest whose bytes don't match its digest");
    }
    u.answered();
    String type = r.headers().firstValue("Content-Type").orElse(null);
    StoredManifest stored = fills.storeManifest(repo, actual, type, bytes, tag);
    u.stats().fetched(repo, tag, stored);
    return stored;
  }

  private static HttpResponse<InputStream> send(Upstream u, String method, String remote, String ref) {
    try {
      return u.client().send(method, remote, "manifests/" + ref, ACCEPT);
    } catch (UpstreamException e) {
      throw ProxyService.unavailable(e);
    }
  }

  private static void check(Upstream u, HttpResponse<InputStream> r, String ref) {
    if (r.statusCode() == 404) {
      throw ErrorCode.MANIFEST_UNKNOWN.with("unknown manifest " + ref + " at upstream " + u.name());
    }
    if (r.statusCode() != 200) {
      throw ErrorCode.UNAVAILABLE.with("upstream " + u.name() + " answered " + r.statusCode());
    }
  }

  private static Optional<Digest> digest(String text) {
    try {
      return Optional.of(Digest.parse(text.trim()));
    } catch (RegistryException e) {
      return Optional.empty();
    }
  }
}
