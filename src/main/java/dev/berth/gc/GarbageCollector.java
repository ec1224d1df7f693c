package dev.berth.gc;

import dev.berth.config.BerthConfig;
import dev.berth.registry.BlobMarkers;
import dev.berth.registry.Digest;
import dev.berth.registry.ImmutableTags;
import dev.berth.registry.Listings;
import dev.berth.registry.PullTimes;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.StorageLayout;
import dev.berth.registry.UploadPurger;
import dev.berth.storage.ObjectInfo;
import dev.berth.storage.Precondition;
import dev.berth.storage.StorageDriver;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Online mark and sweep over storage alone, safe beside pushes on any replica: the protocol is in
 * {@link BlobMarkers}. One run: take the start time S; apply the retention rules ({@link Retention});
 * evict what the pull-through cache holds beyond an upstream's budget ({@link CacheEviction});
 * mark ({@link Mark}); remove the layer links
 * no manifest of their repository names; remove the blobs no live manifest names; purge abandoned
 * uploads. Nothing younger than S - {@code berth.gc.grace} is removed. Cost: a few small reads per
 * manifest, link and blob, independent of blob sizes.
 */
@Singleton
public class GarbageCollector {
  private static final Logger LOG = Logger.getLogger(GarbageCollector.class);
  private final StorageDriver storage;
  private final BlobMarkers markers;
  private final UploadPurger uploads;
  private final Duration purgeAfter;
  private final ImmutableTags immutable;
  private final List<RetentionRule> rules;
  private final PullTimes pullTimes;
  /** Upstream name -> its {@code max-bytes}, for the upstreams that have one. */
  private final Map<String, Long> budgets = new HashMap<>();

  public GarbageCollector(StorageDriver storage, BlobMarkers markers, UploadPurger uploads, ImmutableTags immutable,
      BerthConfig config, PullTimes pullTimes) {
    this.pullTimes = pullTimes;
    config.proxy().upstreams().forEach((name, u) -> u.maxBytes().ifPresent(m -> budgets.put(name, m.asLongValue())));
    this.storage = storage;
    this.markers = markers;
    this.uploads = uploads;
    this.purgeAfter = config.uploads().purgeAfter();
    this.immutable = immutable;
    this.rules = RetentionRule.of(config);
  }

  /** Runs once; a dry run reads only and lists what would go. */
  public GcReport run(boolean dryRun) {
    return run(dryRun, () -> true);
  }

  /**
   * Runs once, asking {@code leaseHolds} before each removal of the sweep (a run whose lease was
   * lost stops there: what it leaves, the next run removes).
   *
   * @throws GcLease.Lost when {@code leaseHolds} turns false
   */
  public GcReport run(boolean dryRun, BooleanSupplier leaseHolds) {
    Instant start = Instant.now();
    Instant cutoff = start.minus(markers.grace());
    Retention retention = Retention.apply(storage, immutable, rules, dryRun, start);
    if (!rules.isEmpty()) {
      LOG.infof("gc: retention %s %d tags, %d untagged manifests", dryRun ? "would remove" : "removed", retention.tags, retention.manifests);
    }
    CacheEviction eviction = CacheEviction.apply(storage, pullTimes, budgets, retention.dropped, dryRun, cutoff);
    Map<RepositoryName, Set<Digest>> dropped = new HashMap<>(retention.dropped);
    eviction.dropped.forEach((r, ds) -> dropped.computeIfAbsent(r, x -> new HashSet<>()).addAll(ds));
    Mark mark = Mark.of(storage, dropped);
    LOG.infof("gc: marked %d manifests, %d live blobs in %d repositories", mark.manifests, mark.live.size(), mark.referenced.size());
    Sweep s = new Sweep(dryRun, cutoff, leaseHolds);
    mark.referenced.forEach(s::layerLinks);
    s.gone.addAll(0, eviction.gone);
    s.gone.addAll(0, retention.gone);
    s.blobs(mark.live);
    s.checkLease();
    int purged = dryRun ? 0 : uploads.purge(Instant.now().minus(purgeAfter));
    GcReport r = new GcReport(dryRun, retention.tags, retention.manifests, mark.manifests, s.kept, s.bytesKept, s.freed, s.bytesFreed, s.links, s.spared,
        purged, eviction.manifests, eviction.bytes, Duration.between(start, Instant.now()), s.gone);
    LOG.info(r.summary());
    return r;
  }

  /** The sweep's counters. */
  private final class Sweep {
    final boolean dryRun;
    final Instant cutoff;
    final BooleanSupplier leaseHolds;
    final List<String> gone = new ArrayList<>();
    long kept, bytesKept, freed, bytesFreed, links, spared;

    Sweep(boolean dryRun, Instant cutoff, BooleanSupplier leaseHolds) {
      this.dryRun = dryRun;
      this.cutoff = cutoff;
      this.leaseHolds = leaseHolds;
    }

    private void checkLease() {
      if (!dryRun && !leaseHolds.getAsBoolean()) {
        throw new GcLease.Lost();
      }
    }

    /**
     * A layer link is removed when it and the blob's marker are older than the cutoff; when the
     * marker changed while it was deleted (a push pinned the blob and may have checked the link
     * before it went), the link is put back.
     */
    void layerLinks(RepositoryName repo, Set<Digest> referenced) {
      for (Digest d : Listings.digests(storage, StorageLayout.repository(repo) + "_layers/")) {
        if (referenced.contains(d)) {
          continue;
        }
        String key = StorageLayout.layerLink(repo, d);
        Optional<BlobMarkers.Read> seen = markers.read(d);
        Optional<ObjectInfo> info = storage.stat(key);
        boolean pinned = seen.isPresent() && !seen.get().marker().condemned() && !seen.get().marker().at().isBefore(cutoff);
        if (info.isEmpty() || !info.get().modified().isBefore(cutoff) || pinned) {
          continue;
        }
        checkLease();
        gone.add("link " + repo + " " + d);
        links++;
        if (dryRun) {
          continue;
        }
        storage.delete(key, Precondition.NONE);
        Optional<String> before = seen.map(BlobMarkers.Read::etag);
        Optional<BlobMarkers.Read> after = markers.read(d);
        if (!Objects.equals(before, after.map(BlobMarkers.Read::etag)) && after.map(a -> !a.marker().condemned()).orElse(false)) {
          storage.putSmall(key, d.toString().getBytes(StandardCharsets.US_ASCII), Precondition.NONE);
          links--;
          gone.remove(gone.size() - 1);
        }
      }
    }

    void blobs(Set<Digest> live) {
      for (Digest d : Listings.storedBlobs(storage)) {
        blob(d, live.contains(d));
      }
    }

    private void blob(Digest d, boolean live) {
      Optional<BlobMarkers.Read> seen = live ? Optional.empty() : markers.read(d); // marker before data: see BlobMarkers
      Optional<ObjectInfo> data = storage.stat(StorageLayout.blobData(d));
      long size = data.map(ObjectInfo::size).orElse(0L);
      if (live) {
        kept++;
        bytesKept += size;
        return;
      }
      boolean condemned = seen.isPresent() && seen.get().marker().condemned(); // a run that died: finish it
      Instant judged = seen.map(r -> r.marker().at()).or(() -> data.map(ObjectInfo::modified)).orElse(Instant.MIN);
      if (!condemned && !judged.isBefore(cutoff)) {
        spared++;
        kept++;
        bytesKept += size;
        return;
      }
      checkLease();
      if (!dryRun && !condemned && !markers.condemn(d, seen)) {
        spared++; // a push pinned it just now
        kept++;
        bytesKept += size;
        return;
      }
      if (data.isPresent()) {
        gone.add("blob " + d + " " + size);
        freed++;
        bytesFreed += size;
      }
      if (!dryRun) {
        storage.delete(StorageLayout.blobData(d), Precondition.NONE);
        markers.remove(d);
      }
    }
  }
}
