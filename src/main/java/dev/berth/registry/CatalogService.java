package dev.berth.registry;

import dev.berth.storage.StorageDriver;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/**
 * The repositories of the registry, one delimited listing of {@code repositories/}: paging costs
 * one storage list call per page, whatever the repositories hold.
 */
@Singleton
public class CatalogService {
  private final StorageDriver storage;

  public CatalogService(StorageDriver storage) {
    this.storage = storage;
  }

  /**
   * A page of repository names after {@code last}, in the storage's key order.
   *
   * @throws RegistryException NAME_INVALID when {@code last} is not a repository name
   */
  public Page<String> list(String last, int limit) {
    String after = last == null ? null : StorageLayout.repositoryEntry(RepositoryName.parse(last));
    List<String> names = new ArrayList<>();
    if (limit == 0) {
      return new Page<>(names, false);
    }
    var page = storage.list(StorageLayout.REPOSITORIES, after, limit);
    for (String entry : page.names()) {
      if (entry.endsWith("/")) {
        try {
          names.add(StorageLayout.repositoryOf(entry).value());
        } catch (RegistryException e) {
          // not a repository directory: skip it
        }
      }
    }
    return new Page<>(names, page.truncated());
  }
}
