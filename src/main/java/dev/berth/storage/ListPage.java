package dev.berth.storage;

import java.util.List;

/** One page of {@link StorageDriver#list}: names in byte order, and whether more follow. */
public record ListPage(List<String> names, boolean truncated) {
  public ListPage {
    names = List.copyOf(names);
  }
}
