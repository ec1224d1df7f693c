package dev.berth.gc;

import dev.berth.registry.Descriptor;
import dev.berth.registry.Digest;
import dev.berth.registry.Listings;
import dev.berth.registry.Manifest;
import dev.berth.registry.RegistryException;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.StorageLayout;
import dev.berth.storage.SmallObject;
import dev.berth.storage.StorageDriver;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The mark phase: every manifest linked in a repository is live (tagged or not), except those
 * retention removed (or, in a dry run, would remove), and so are what it names: config, layers, index children. Referrers are
 * manifests linked in the repository, so they and their blobs are live the same way. Built from
 * storage alone, one pass over the repositories' manifest links.
 */
final class Mark {
  final Set<Digest> live = new HashSet<>();
  /** Per repository, the blobs and manifests its manifests name: its other layer links are unused. */
  final Map<RepositoryName, Set<Digest>> referenced = new HashMap<>();
  int manifests;

  static Mark of(StorageDriver storage) {
    return of(storage, Map.of());
  }

  /** @param dropped per repository, manifests retention removed: not live, even if still listed */
  static Mark of(StorageDriver storage, Map<RepositoryName, Set<Digest>> dropped) {
    Mark mark = new Mark();
    for (String entry : Listings.all(storage, StorageLayout.REPOSITORIES)) {
      if (entry.endsWith("/")) {
        RepositoryName repo = StorageLayout.repositoryOf(entry);
        mark.repository(storage, repo, dropped.getOrDefault(repo, Set.of()));
      }
    }
    return mark;
  }

  private void repository(StorageDriver storage, RepositoryName repo, Set<Digest> dropped) {
    Set<Digest> names = referenced.computeIfAbsent(repo, r -> new HashSet<>());
    for (Digest d : Listings.digests(storage, StorageLayout.repository(repo) + "_manifests/")) {
      if (dropped.contains(d)) {
        continue;
      }
      manifests++;
      live.add(d);
      names.add(d);
      Optional<SmallObject> link = storage.getSmall(StorageLayout.manifestLink(repo, d));
      Optional<SmallObject> bytes = storage.getSmall(StorageLayout.blobData(d));
      if (link.isEmpty() || bytes.isEmpty()) {
        continue; // deleted meanwhile, or damaged: nothing more to keep
      }
      try {
        Manifest m = Manifest.parse(bytes.get().data(), new String(link.get().data(), StandardCharsets.UTF_8));
        for (Descriptor b : m.blobs()) {
          if (!b.foreign()) {
            live.add(b.digest());
            names.add(b.digest());
          }
        }
        for (Descriptor c : m.children()) {
          live.add(c.digest());
          names.add(c.digest());
        }
      } catch (RegistryException e) {
        // a manifest Berth accepted once but can't parse now: keep it, name nothing
      }
    }
  }
}
