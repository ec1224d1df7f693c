package dev.berth.proxy;

import dev.berth.events.Events;
import dev.berth.events.RegistryEvent;
import dev.berth.registry.Digest;
import dev.berth.registry.ManifestService.StoredManifest;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.Tag;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;

/**
 * What the cache reports about one upstream (README "Metrics", "Webhooks"):
 * {@code berth_proxy_requests_total{upstream,kind,result}} (kind {@code manifest}, {@code blob};
 * result {@code hit}: served from storage without fetching content, a tag revalidation that
 * found it unchanged included; {@code miss}: content fetched from the upstream; {@code stale}:
 * served from storage because the upstream failed or rests), {@code
 * berth_proxy_upstream_bytes_total{upstream}} (manifest and blob bytes received from it) and
 * {@code berth_proxy_upstream_errors_total{upstream,status}} (an HTTP status other than 404, or
 * {@code io}, {@code timeout}); and the {@code dev.berth.manifest.cached} and {@code
 * dev.berth.blob.cached} events. Labels: the configured upstream name, fixed words and HTTP
 * statuses, never a repository or a credential. With {@code berth.metrics.enabled=false} nothing
 * is counted; the events still go out.
 */
final class CacheStats {
  static final String MANIFEST = "manifest";
  static final String BLOB = "blob";
  static final String HIT = "hit";
  static final String MISS = "miss";
  static final String STALE = "stale";

  private final String upstream;
  private final Optional<MeterRegistry> registry;
  private final Events events;
  private final Counter bytes;

  CacheStats(String upstream, Optional<MeterRegistry> registry, Events events) {
    this.upstream = upstream;
    this.registry = registry;
    this.events = events;
    this.bytes = registry.map(r -> Counter.builder("berth.proxy.upstream.bytes")
        .description("Manifest and blob bytes received from the upstream").tag("upstream", upstream).register(r)).orElse(null);
    registry.ifPresent(r -> { // at 0 from the start, for rates and ratios; blobs have no TTL, so are never stale
      requests(r, MANIFEST, HIT);
      requests(r, MANIFEST, MISS);
      requests(r, MANIFEST, STALE);
      requests(r, BLOB, HIT);
      requests(r, BLOB, MISS);
    });
  }

  /** One pull (manifest GET or HEAD, blob GET) served: {@link #HIT}, {@link #MISS} or {@link #STALE}. */
  void count(String kind, String result) {
    registry.ifPresent(r -> requests(r, kind, result).increment());
  }

  void hit(String kind) {
    count(kind, HIT);
  }

  void stale(String kind) {
    count(kind, STALE);
  }

  /** A manifest or blob body that broke off while the upstream sent it. */
  void brokeOff() {
    error("io");
  }

  /** A manifest fetched from the upstream and stored: a miss, and its event. */
  void fetched(RepositoryName repo, Optional<Tag> tag, StoredManifest m) {
    count(MANIFEST, MISS);
    if (events.wanted(RegistryEvent.Kind.MANIFEST_CACHED)) {
      events.publish(RegistryEvent.cached(RegistryEvent.Kind.MANIFEST_CACHED, repo.value(), tag.map(Tag::value).orElse(null),
          m.digest().toString(), m.mediaType(), m.bytes().length, upstream));
    }
  }

  /** Bytes of a manifest or blob received from the upstream (counted as they arrive). */
  void received(long n) {
    if (bytes != null) {
      bytes.increment(n);
    }
  }

  /** An answer from the upstream: counted as an error unless 2xx, 3xx or 404 (an unknown name is an answer). */
  void answered(int status) {
    if (status >= 400 && status != 404) {
      error(Integer.toString(status));
    }
  }

  /** A request to the upstream that got no usable answer. */
  void failed(UpstreamException e) {
    error(e.status() > 0 ? Integer.toString(e.status()) : e.timedOut() ? "timeout" : "io");
  }

  /** A blob fetched from the upstream and stored, its digest verified (the miss was counted when its fetch began). */
  void blobCached(RepositoryName repo, Digest digest, long size) {
    if (events.wanted(RegistryEvent.Kind.BLOB_CACHED)) {
      events.publish(RegistryEvent.cached(RegistryEvent.Kind.BLOB_CACHED, repo.value(), null, digest.toString(), null, size, upstream));
    }
  }

  private void error(String status) {
    registry.ifPresent(r -> Counter.builder("berth.proxy.upstream.errors")
        .description("Requests to the upstream that failed, by HTTP status or io/timeout")
        .tag("upstream", upstream).tag("status", status).register(r).increment());
  }

  private Counter requests(MeterRegistry r, String kind, String result) {
    return Counter.builder("berth.proxy.requests").description("Pulls of cached repositories by kind and result")
        .tag("upstream", upstream).tag("kind", kind).tag("result", result).register(r);
  }
}
