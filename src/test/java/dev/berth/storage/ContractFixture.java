package dev.berth.storage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/** What every part of the driver contract works on: a fresh driver (wrapped as in production) and a thread pool. */
public interface ContractFixture {
  /** The driver under test, wrapped in {@link BaseDriver}. */
  StorageDriver driver();

  /** Threads for concurrent tests; shut down after each test. */
  ExecutorService pool();

  default byte[] small(String key) {
    return driver().getSmall(key).orElseThrow(() -> new AssertionError("no object at " + key)).data();
  }

  default String text(String key) {
    return new String(small(key), StandardCharsets.UTF_8);
  }

  default long size(String key) {
    return driver().stat(key).orElseThrow(() -> new AssertionError("no object at " + key)).size();
  }

  /** Every entry under the prefix, paging with {@code pageSize}. */
  default List<String> listAll(String prefix, int pageSize) {
    List<String> all = new ArrayList<>();
    String after = null;
    while (true) {
      ListPage page = driver().list(prefix, after, pageSize);
      assertTrue(page.names().size() <= pageSize, "page larger than its limit");
      all.addAll(page.names());
      if (!page.truncated()) {
        return all;
      }
      assertFalse(page.names().isEmpty(), "a truncated page must name where to go on");
      after = page.names().get(page.names().size() - 1);
    }
  }

  default List<String> listAll(String prefix) {
    return listAll(prefix, 1000);
  }
}
