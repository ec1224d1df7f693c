package dev.berth.gc;

import dev.berth.registry.Descriptor;
import dev.berth.registry.Digest;
import dev.berth.registry.ImmutableTags;
import dev.berth.registry.Listings;
import dev.berth.registry.Manifest;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The retention phase of a GC run (README "Retention"). Per repository some rule applies to: a tag
 * goes when a rule drops it, no rule keeps it and {@code berth.tags.immutable} doesn't protect it;
 * then a manifest no remaining tag reaches (as the tagged manifest, an index child, or a referrer of
 * a reached one) goes when its link is older than a rule's {@code drop-untagged-older-than}, with its
 * referrer entry. Every delete is conditional on the ETag read, so a tag or link a push rewrote
 * meanwhile stays. The marks that follow don't see what went (or, in a dry run, would go).
 */
final class Retention {
  /** Removed (or, in a dry run, to be removed) manifests per repository: the mark skips them. */
  final Map<RepositoryName, Set<Digest>> dropped = new HashMap<>();
  final List<String> gone = new ArrayList<>();
  long tags, manifests;
  private final StorageDriver storage;
  private final ImmutableTags immutable;
  private final boolean dryRun;
  private final Instant now;

  private Retention(StorageDriver storage, ImmutableTags immutable, boolean dryRun, Instant now) {
    this.storage = storage;
    this.immutable = immutable;
    this.dryRun = dryRun;
    this.now = now;
  }

  static Retention apply(StorageDriver storage, ImmutableTags immutable, List<RetentionRule> rules, boolean dryRun, Instant now) {
    Retention r = new Retention(storage, immutable, dryRun, now);
    if (!rules.isEmpty()) {
      for (String entry : Listings.all(storage, StorageLayout.REPOSITORIES)) {
        if (entry.endsWith("/")) {
          RepositoryName repo = StorageLayout.repositoryOf(entry);
          List<RetentionRule> mine = rules.stream().filter(x -> x.appliesTo(repo.value())).toList();
          if (!mine.isEmpty()) {
            r.repository(repo, mine);
          }
        }
      }
    }
    return r;
  }

  private record TagState(Tag tag, Digest target, String etag, Instant set) {}

  private void repository(RepositoryName repo, List<RetentionRule> rules) {
    List<TagState> all = new ArrayList<>();
    for (String name : Listings.all(storage, StorageLayout.tags(repo))) {
      if (Tag.isValid(name)) {
        read(repo, new Tag(name)).ifPresent(all::add);
      }
    }
    all.sort(Comparator.comparing(TagState::set).reversed().thenComparing(t -> t.tag().value()));
    Set<Digest> roots = new HashSet<>();
    for (int rank = 0; rank < all.size(); rank++) {
      TagState t = all.get(rank);
      int n = rank;
      Duration age = Duration.between(t.set(), now);
      boolean drop = rules.stream().anyMatch(x -> x.drops(n, age)) && rules.stream().noneMatch(x -> x.keeps(t.tag().value(), n))
          && immutable.ruleFor(repo, t.tag()).isEmpty();
      if (!drop || !removeTag(repo, t)) {
        roots.add(t.target());
      }
    }
    rules.stream().flatMap(x -> x.dropUntaggedOlderThan().stream()).min(Comparator.naturalOrder())
        .ifPresent(d -> untagged(repo, roots, now.minus(d)));
  }

  private Optional<TagState> read(RepositoryName repo, Tag tag) {
    String key = StorageLayout.tag(repo, tag);
    Optional<SmallObject> o = storage.getSmall(key);
    Optional<ObjectInfo> info = storage.stat(key); // after the read: a rewrite since looks new, and is kept
    if (o.isEmpty() || info.isEmpty()) {
      return Optional.empty();
    }
    try {
      Digest d = Digest.parse(new String(o.get().data(), StandardCharsets.US_ASCII).trim());
      return Optional.of(new TagState(tag, d, o.get().etag(), info.get().modified()));
    } catch (RuntimeException e) {
      return Optional.empty(); // not a tag Berth wrote: never touch it
    }
  }

  /** False when a push re-pointed the tag meanwhile (it stays, and reaches its manifest). */
  private boolean removeTag(RepositoryName repo, TagState t) {
    if (!dryRun) {
      try {
        storage.delete(StorageLayout.tag(repo, t.tag()), Precondition.ifMatch(t.etag()));
      } catch (PreconditionFailedException e) {
        return false;
      }
    }
    gone.add("tag " + repo + ":" + t.tag().value() + " " + t.target());
    tags++;
    return true;
  }

  private void untagged(RepositoryName repo, Set<Digest> roots, Instant cutoff) {
    Map<Digest, Manifest> parsed = new HashMap<>();
    for (Digest d : Listings.digests(storage, StorageLayout.repository(repo) + "_manifests/")) {
      Optional<SmallObject> bytes = storage.getSmall(StorageLayout.blobData(d));
      try {
        bytes.ifPresent(b -> parsed.put(d, Manifest.parse(b.data(), null)));
      } catch (RegistryException e) {
        roots.add(d); // a manifest Berth can't parse now: keep it
      }
    }
    Set<Digest> reached = reach(roots, parsed);
    for (Map.Entry<Digest, Manifest> e : parsed.entrySet()) {
      if (!reached.contains(e.getKey())) {
        removeManifest(repo, e.getKey(), e.getValue(), cutoff);
      }
    }
  }

  /** The manifests the roots reach: index children, and referrers of reached manifests. */
  private static Set<Digest> reach(Set<Digest> roots, Map<Digest, Manifest> parsed) {
    Set<Digest> reached = new HashSet<>(roots);
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Map.Entry<Digest, Manifest> e : parsed.entrySet()) {
        Manifest m = e.getValue();
        if (reached.contains(e.getKey())) {
          for (Descriptor c : m.children()) {
            grew |= reached.add(c.digest());
          }
        } else if (m.subject().map(s -> reached.contains(s.digest())).orElse(false)) {
          grew |= reached.add(e.getKey());
        }
      }
    }
    return reached;
  }

  private void removeManifest(RepositoryName repo, Digest d, Manifest m, Instant cutoff) {
    String key = StorageLayout.manifestLink(repo, d);
    Optional<SmallObject> link = storage.getSmall(key);
    Optional<ObjectInfo> info = storage.stat(key);
    if (link.isEmpty() || info.isEmpty() || !info.get().modified().isBefore(cutoff)) {
      return;
    }
    if (!dryRun) {
      try {
        storage.delete(key, Precondition.ifMatch(link.get().etag()));
      } catch (PreconditionFailedException e) {
        return; // pushed again meanwhile
      }
      m.subject().ifPresent(s -> storage.delete(StorageLayout.referrer(repo, s.digest(), d), Precondition.NONE));
    }
    gone.add("manifest " + repo + " " + d);
    manifests++;
    dropped.computeIfAbsent(repo, r -> new HashSet<>()).add(d);
  }
}
