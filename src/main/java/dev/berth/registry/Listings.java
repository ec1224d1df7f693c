package dev.berth.registry;

import dev.berth.storage.StorageDriver;
import java.util.ArrayList;
import java.util.List;

/** Reads a whole listing page by page. */
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
}
