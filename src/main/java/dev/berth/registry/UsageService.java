package dev.berth.registry;

import dev.berth.storage.ObjectInfo;
import dev.berth.storage.StorageDriver;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Storage usage from the layout alone (no database, no counters to keep right): a repository's
 * bytes are the distinct blobs its {@code _layers} and {@code _manifests} links name, so a layer
 * shared by two tags counts once there, and once in each repository that links it. The registry's
 * total walks {@code blobs/}, where every blob is stored once whatever links it (until GC frees
 * it). Cost grows with the number of links and blobs (one list per page, one stat per blob),
 * never with their bytes.
 */
@Singleton
public class UsageService {
  private final StorageDriver storage;
  private final CatalogService catalog;

  public UsageService(StorageDriver storage, CatalogService catalog) {
    this.storage = storage;
    this.catalog = catalog;
  }

  /** A page of repositories after {@code last}, in catalog order, each with its usage. */
  public Page<Usage.Named> repositories(String last, int limit) {
    Page<String> names = catalog.list(last, limit);
    List<Usage.Named> out = new ArrayList<>(names.items().size());
    for (String name : names.items()) {
      out.add(new Usage.Named(name, of(RepositoryName.parse(name))));
    }
    return new Page<>(out, names.more());
  }

  /** One repository's usage; empty when the registry has no such repository. */
  public Optional<Usage> repository(RepositoryName name) {
    if (storage.list(StorageLayout.repository(name), null, 1).names().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(of(name));
  }

  private Usage of(RepositoryName name) {
    String root = StorageLayout.repository(name);
    Set<Digest> layers = Listings.digests(storage, root + "_layers/");
    Set<Digest> manifests = Listings.digests(storage, root + "_manifests/");
    Set<Digest> distinct = new HashSet<>(layers);
    distinct.addAll(manifests);
    long bytes = 0;
    for (Digest d : distinct) {
      // a link whose blob is gone (GC's sweep, or a half-done delete) holds nothing
      bytes += storage.stat(StorageLayout.blobData(d)).map(ObjectInfo::size).orElse(0L);
    }
    return new Usage(bytes, layers.size(), manifests.size());
  }

  /**
   * Every blob stored, once: {@code blobs} counts them all (manifests too, which are blobs in
   * storage), {@code manifests} is 0 (storage doesn't tell them apart).
   */
  public Usage total() {
    long bytes = 0;
    long blobs = 0;
    for (Digest d : Listings.storedBlobs(storage)) {
      Optional<ObjectInfo> data = storage.stat(StorageLayout.blobData(d));
      if (data.isPresent()) {
        bytes += data.get().size();
        blobs++;
      }
    }
    return new Usage(bytes, blobs, 0);
  }
}
