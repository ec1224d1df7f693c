package dev.berth.registry;

import dev.berth.storage.StorageDriver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads a whole listing page by page, and the digest trees of {@link StorageLayout} through it. */
public final class Listings {
  static final int PAGE = 1000;

  private Listings() {}

  /** Every entry directly under {@code prefix}, in the storage's order. */
  public static List<String> all(StorageDriver storage, String prefix) {
    List<String> all = new ArrayList<>();
    String after = null;
    while (true) {
      var page = storage.list(prefix, after, PAGE);
      all.addAll(page.names());
      if (!page.truncated() || page.names().isEmpty()) {
        return all;
      }
      after = page.names().get(page.names().size() - 1);
    }
  }

  /** The directory entries (ending in {@code /}) directly under {@code prefix}. */
  public static List<String> directories(StorageDriver storage, String prefix) {
    return all(storage, prefix).stream().filter(n -> n.endsWith("/")).toList();
  }

  /** The digests under {@code <prefix><alg>/<hex>}, as the _manifests and _layers trees hold them. */
  public static Set<Digest> digests(StorageDriver storage, String prefix) {
    Set<Digest> all = new HashSet<>();
    for (String alg : directories(storage, prefix)) {
      for (String hex : all(storage, prefix + alg)) {
        if (!hex.endsWith("/")) {
          digest(alg, hex).ifPresent(all::add);
        }
      }
    }
    return all;
  }

  /** Every blob stored under {@code blobs/<alg>/<hex[0:2]>/<hex>/}, in the storage's order. */
  public static List<Digest> storedBlobs(StorageDriver storage) {
    List<Digest> out = new ArrayList<>();
    String root = StorageLayout.BLOBS;
    for (String alg : directories(storage, root)) {
      for (String shard : directories(storage, root + alg)) {
        for (String hex : directories(storage, root + alg + shard)) {
          digest(alg, hex.substring(0, hex.length() - 1)).ifPresent(out::add);
        }
      }
    }
    return out;
  }

  /** The digest an {@code <alg>/} entry and a hex name stand for; empty when they aren't one (not ours: never touched). */
  private static Optional<Digest> digest(String algEntry, String hex) {
    try {
      return Optional.of(Digest.parse(algEntry.substring(0, algEntry.length() - 1) + ":" + hex));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
