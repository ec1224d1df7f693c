package dev.berth.registry;

import dev.berth.storage.StorageDriver;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The repositories of the registry, one delimited listing of {@code repositories/}: paging costs
 * one storage list call per page, whatever the repositories hold.
 */
@Singleton
public class CatalogService {
  private static final int MAX_READS = 16;
  private final StorageDriver storage;

  public CatalogService(StorageDriver storage) {
    this.storage = storage;
  }

  /** Whether anything is stored under the repository (one list call of at most one entry). */
  public boolean exists(RepositoryName repo) {
    return !storage.list(StorageLayout.repository(repo), null, 1).names().isEmpty();
  }

  /**
   * A page of repository names after {@code last}, in the storage's key order.
   *
   * @throws RegistryException NAME_INVALID when {@code last} is not a repository name
   */
  public Page<String> list(String last, int limit) {
    return list(last, limit, name -> true);
  }

  /**
   * A page of the repositories {@code visible} accepts. Hidden names are skipped by reading on;
   * after {@link #MAX_READS} storage pages a shorter page comes back (its last name is where the
   * client's next request goes on), unless nothing was visible yet.
   */
  public Page<String> list(String last, int limit, Predicate<String> visible) {
    String after = last == null ? null : StorageLayout.repositoryEntry(RepositoryName.parse(last));
    List<String> names = new ArrayList<>();
    if (limit == 0) {
      return new Page<>(names, false);
    }
    for (int reads = 1; ; reads++) {
      var page = storage.list(StorageLayout.REPOSITORIES, after, limit - names.size());
      for (String entry : page.names()) {
        after = entry;
        if (entry.endsWith("/")) {
          try {
            String name = StorageLayout.repositoryOf(entry).value();
            if (visible.test(name)) {
              names.add(name);
            }
          } catch (RegistryException e) {
            // not a repository directory: skip it
          }
        }
      }
      if (!page.truncated()) {
        return new Page<>(names, false);
      }
      if (names.size() >= limit || (reads >= MAX_READS && !names.isEmpty())) {
        return new Page<>(names, true);
      }
    }
  }
}
