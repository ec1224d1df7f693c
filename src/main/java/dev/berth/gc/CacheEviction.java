package dev.berth.gc;

import dev.berth.registry.Descriptor;
import dev.berth.registry.Digest;
import dev.berth.registry.Listings;
import dev.berth.registry.Manifest;
import dev.berth.registry.PullTimes;
import dev.berth.registry.RegistryException;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.StorageLayout;
import dev.berth.registry.Tag;
import dev.berth.storage.ObjectInfo;
import dev.berth.storage.Precondition;
import dev.berth.storage.PreconditionFailedException;
import dev.berth.storage.SmallObject;
import dev.berth.storage.StorageDriver;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The cache eviction phase of a GC run, after retention and before the mark (README "Pull-through
 * cache"). Per upstream with {@code max-bytes}: its usage is the distinct stored blobs its cached
 * manifests name (config, layers, index children) plus the manifests' own bytes, each once however
 * many of its images share it. While over budget, the least recently used manifest goes: its link,
 * the tags naming it and its referrer entry, as retention removes one; the mark then doesn't see it
 * and the sweep frees its blobs no other manifest names. Last use is the later of its stored pull
 * time ({@link PullTimes}) and its link's time (when it was cached). Nothing used since S - grace
 * goes, the cutoff the sweep uses for new content, and a blob being fetched right now is an upload
 * in progress that the sweep leaves alone: eviction follows the GC protocol, it doesn't add one.
 */
final class CacheEviction {
  private static final Logger LOG = Logger.getLogger(CacheEviction.class);
  final Map<RepositoryName, Set<Digest>> dropped = new HashMap<>();
  final List<String> gone = new ArrayList<>();
  long manifests, bytes;
  private final StorageDriver storage;
  private final boolean dryRun;
  private final Map<RepositoryName, Map<String, SmallObject>> tagsOf = new HashMap<>();

  private CacheEviction(StorageDriver storage, boolean dryRun) {
    this.storage = storage;
    this.dryRun = dryRun;
  }

  /** A cached manifest: what it names (itself included) and when it was last used. */
  private record Unit(RepositoryName repo, Digest digest, String etag, long used, Set<Digest> names, Optional<Digest> subject) {}

  /**
   * @param budgets upstream name -> max bytes, only upstreams with a budget
   * @param retired manifests retention removed: not counted
   */
  static CacheEviction apply(StorageDriver storage, PullTimes times, Map<String, Long> budgets, Map<RepositoryName, Set<Digest>> retired,
      boolean dryRun, Instant cutoff) {
    CacheEviction e = new CacheEviction(storage, dryRun);
    if (budgets.isEmpty()) {
      return e;
    }
    if (!dryRun) {
      times.flush(); // this process's own pulls count at once
    }
    List<RepositoryName> repos = new ArrayList<>();
    for (String entry : Listings.all(storage, StorageLayout.REPOSITORIES)) {
      if (entry.endsWith("/")) {
        repos.add(StorageLayout.repositoryOf(entry));
      }
    }
    for (Map.Entry<String, Long> b : budgets.entrySet()) {
      List<RepositoryName> mine = repos.stream().filter(r -> r.value().startsWith(b.getKey() + "/")).toList();
      e.upstream(b.getKey(), b.getValue(), mine, times, retired, cutoff);
    }
    return e;
  }

  private void upstream(String name, long budget, List<RepositoryName> repos, PullTimes times, Map<RepositoryName, Set<Digest>> retired,
      Instant cutoff) {
    long t0 = System.nanoTime();
    Map<String, Long> pulled = times.read(name);
    List<Unit> units = new ArrayList<>();
    for (RepositoryName repo : repos) {
      Set<Digest> skip = retired.getOrDefault(repo, Set.of());
      for (Digest d : Listings.digests(storage, StorageLayout.repository(repo) + "_manifests/")) {
        if (!skip.contains(d)) {
          unit(repo, d, pulled).ifPresent(units::add);
        }
      }
    }
    Map<Digest, Integer> refs = new HashMap<>();
    Map<Digest, Long> sizes = new HashMap<>();
    for (Unit u : units) {
      for (Digest d : u.names()) {
        if (refs.merge(d, 1, Integer::sum) == 1) {
          sizes.put(d, storage.stat(StorageLayout.blobData(d)).map(ObjectInfo::size).orElse(0L)); // not fetched yet: 0
        }
      }
    }
    long used = sizes.values().stream().mapToLong(Long::longValue).sum();
    long before = used;
    units.sort(Comparator.comparingLong(Unit::used));
    for (Unit u : units) {
      if (used <= budget || u.used() >= cutoff.toEpochMilli()) {
        break; // sorted: every later one was used within grace too
      }
      if (!evict(u)) {
        continue;
      }
      for (Digest d : u.names()) {
        if (refs.merge(d, -1, Integer::sum) == 0) {
          used -= sizes.get(d);
        }
      }
    }
    LOG.infof("gc: cache %s holds %d bytes of its budget %d; %s %d bytes in %d ms", name, before, budget,
        dryRun ? "eviction would free" : "evicted", before - used, (System.nanoTime() - t0) / 1_000_000);
    bytes += before - used;
    if (!dryRun) {
      Set<String> cached = new HashSet<>();
      units.forEach(u -> cached.add(PullTimes.key(u.repo(), u.digest())));
      dropped.forEach((r, ds) -> ds.forEach(d -> cached.remove(PullTimes.key(r, d))));
      times.forget(name, k -> !cached.contains(k)); // entries of manifests no longer cached
    }
  }

  private Optional<Unit> unit(RepositoryName repo, Digest d, Map<String, Long> pulled) {
    String key = StorageLayout.manifestLink(repo, d);
    Optional<SmallObject> link = storage.getSmall(key);
    Optional<ObjectInfo> info = storage.stat(key); // after the read: a rewrite since looks new, and is kept
    Optional<SmallObject> data = storage.getSmall(StorageLayout.blobData(d));
    if (link.isEmpty() || info.isEmpty() || data.isEmpty()) {
      return Optional.empty();
    }
    Set<Digest> names = new HashSet<>(Set.of(d));
    Optional<Digest> subject;
    try {
      Manifest m = Manifest.parse(data.get().data(), new String(link.get().data(), StandardCharsets.UTF_8));
      m.blobs().stream().filter(b -> !b.foreign()).map(Descriptor::digest).forEach(names::add);
      m.children().stream().map(Descriptor::digest).forEach(names::add);
      subject = m.subject().map(Descriptor::digest);
    } catch (RegistryException e) {
      return Optional.empty(); // can't say what it names: never evicted
    }
    long used = Math.max(info.get().modified().toEpochMilli(), pulled.getOrDefault(PullTimes.key(repo, d), 0L));
    return Optional.of(new Unit(repo, d, link.get().etag(), used, names, subject));
  }

  /** False when the link changed meanwhile (a native ETag that moved): it stays. */
  private boolean evict(Unit u) {
    if (!dryRun) {
      try {
        storage.delete(StorageLayout.manifestLink(u.repo(), u.digest()), Precondition.ifMatch(u.etag()));
      } catch (PreconditionFailedException e) {
        return false;
      }
      untag(u);
      u.subject().ifPresent(s -> storage.delete(StorageLayout.referrer(u.repo(), s, u.digest()), Precondition.NONE));
    }
    gone.add("evict " + u.repo() + " " + u.digest() + " last used " + Instant.ofEpochMilli(u.used()));
    manifests++;
    dropped.computeIfAbsent(u.repo(), r -> new HashSet<>()).add(u.digest());
    return true;
  }

  /** Removes the tags that name the evicted manifest (conditional: a tag moved meanwhile stays). */
  private void untag(Unit u) {
    Map<String, SmallObject> tags = tagsOf.computeIfAbsent(u.repo(), this::readTags); // once per repository, not per eviction
    for (Map.Entry<String, SmallObject> t : tags.entrySet()) {
      if (new String(t.getValue().data(), StandardCharsets.US_ASCII).trim().equals(u.digest().toString())) {
        try {
          storage.delete(StorageLayout.tag(u.repo(), new Tag(t.getKey())), Precondition.ifMatch(t.getValue().etag()));
        } catch (PreconditionFailedException e) {
          // re-pointed meanwhile: it names another manifest now
        }
      }
    }
  }

  private Map<String, SmallObject> readTags(RepositoryName repo) {
    Map<String, SmallObject> tags = new HashMap<>();
    for (String name : Listings.all(storage, StorageLayout.tags(repo))) {
      if (Tag.isValid(name)) {
        storage.getSmall(StorageLayout.tag(repo, new Tag(name))).ifPresent(o -> tags.put(name, o));
      }
    }
    return tags;
  }
}
