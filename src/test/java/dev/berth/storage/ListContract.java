package dev.berth.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.berth.storage.ContractData.bytes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The driver contract, part of {@link StorageDriverContract}: Listing: direct children, byte order, paging; {@code truncated} is exact. */
public interface ListContract extends ContractFixture {

  @Test
  default void listShowsDirectChildrenAndEachPrefixOnce() {
    for (String k : List.of("r/one", "r/two", "r/sub/a", "r/sub/b", "r/sub/deeper/c", "r/other/x/y/z", "r2/not-me", "q")) {
      driver().putSmall(k, bytes(k), Precondition.NONE);
    }
    assertEquals(new ListPage(List.of("one", "other/", "sub/", "two"), false), driver().list("r/", null, 100));
    assertEquals(new ListPage(List.of("a", "b", "deeper/"), false), driver().list("r/sub/", null, 100));
    assertEquals(new ListPage(List.of("q", "r/", "r2/"), false), driver().list("", null, 100));
    assertEquals(new ListPage(List.of("x/"), false), driver().list("r/other/", null, 100));
  }

  @Test
  default void listIsInByteOrderComparingPrefixesWithTheirSlash() {
    // '!' 0x21 < '-' 0x2d < '.' 0x2e < '/' 0x2f < '0' 0x30 < 'A' 0x41 < '_' 0x5f < 'a' 0x61
    for (String k : List.of("p/b", "p/a0", "p/a/x", "p/a/y/z", "p/a.c", "p/a-b", "p/a!", "p/aa", "p/B", "p/_x", "p/a_/k", "p/a-/k")) {
      driver().putSmall(k, bytes(k), Precondition.NONE);
    }
    List<String> expected = List.of("B", "_x", "a!", "a-/", "a-b", "a.c", "a/", "a0", "a_/", "aa", "b");
    assertEquals(expected, driver().list("p/", null, 100).names());
    assertEquals(expected, listAll("p/", 1));
    assertEquals(expected, listAll("p/", 3));
  }

  @Test
  default void listStartsAfterTheGivenEntry() {
    for (String k : List.of("p/a-b", "p/a/x", "p/a/y/z", "p/a0", "p/b")) {
      driver().putSmall(k, bytes(k), Precondition.NONE);
    }
    assertEquals(List.of("a/", "a0", "b"), driver().list("p/", "a-b", 100).names());
    assertEquals(List.of("a0", "b"), driver().list("p/", "a/", 100).names(), "after a prefix entry");
    assertEquals(List.of("a/", "a0", "b"), driver().list("p/", "a.", 100).names(), "\"a/\" sorts after \"a.\" ('/' > '.')");
    assertEquals(List.of("a-b", "a/", "a0", "b"), driver().list("p/", "a", 100).names());
    assertEquals(List.of("a0", "b"), driver().list("p/", "a/x", 100).names(), "inside a prefix: past it");
    assertEquals(List.of("b"), driver().list("p/", "a1", 100).names(), "between entries");
    assertEquals(List.of("a-b", "a/", "a0", "b"), driver().list("p/", "", 100).names());
    assertEquals(List.of("a-b", "a/", "a0", "b"), driver().list("p/", "0", 100).names());
    assertEquals(new ListPage(List.of(), false), driver().list("p/", "b", 100));
    assertEquals(new ListPage(List.of(), false), driver().list("p/", "zzz", 100));
  }

  @Test
  default void listLimitAndTruncated() {
    for (String k : List.of("l/1", "l/2", "l/3/x", "l/4", "l/5/y/z")) {
      driver().putSmall(k, bytes(k), Precondition.NONE);
    }
    assertEquals(new ListPage(List.of("1", "2", "3/", "4", "5/"), false), driver().list("l/", null, 5), "exactly limit: nothing follows");
    assertEquals(new ListPage(List.of("1", "2", "3/", "4", "5/"), false), driver().list("l/", null, 1000));
    assertEquals(new ListPage(List.of("1", "2", "3/", "4"), true), driver().list("l/", null, 4));
    assertEquals(new ListPage(List.of("1"), true), driver().list("l/", null, 1));
    assertEquals(new ListPage(List.of("3/", "4"), true), driver().list("l/", "2", 2));
    assertEquals(new ListPage(List.of("5/"), false), driver().list("l/", "4", 2));
    assertEquals(new ListPage(List.of("4", "5/"), false), driver().list("l/", "3/", 2));
  }

  @Test
  default void pagingThrough2500EntriesYieldsEachOnce() throws Exception {
    List<String> expected = new ArrayList<>();
    List<Callable<Object>> writes = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      String name = String.format("e%04d", i);
      String key = i % 5 == 0 ? "many/" + name + "/child" : "many/" + name;
      expected.add(i % 5 == 0 ? name + "/" : name);
      writes.add(() -> driver().putSmall(key, bytes(key), Precondition.NONE));
    }
    driver().putSmall("many-sibling", bytes("not listed"), Precondition.NONE);
    ExecutorService writers = Executors.newFixedThreadPool(8);
    try {
      for (Future<Object> f : writers.invokeAll(writes)) {
        f.get();
      }
    } finally {
      writers.shutdown();
    }
    List<String> seen = new ArrayList<>();
    List<Boolean> truncated = new ArrayList<>();
    String after = null;
    while (true) {
      ListPage page = driver().list("many/", after, 1000);
      assertTrue(page.names().size() <= 1000);
      seen.addAll(page.names());
      truncated.add(page.truncated());
      if (!page.truncated()) {
        break;
      }
      assertFalse(page.names().isEmpty(), "a truncated page must name where to go on");
      after = page.names().get(page.names().size() - 1);
    }
    assertEquals(expected, seen);
    assertEquals(2500, new HashSet<>(seen).size());
    assertEquals(List.of(true, true, false), truncated);
  }

  @Test
  default void listOfAMissingOrEmptyPrefixIsEmpty() {
    assertEquals(new ListPage(List.of(), false), driver().list("", null, 10));
    assertEquals(new ListPage(List.of(), false), driver().list("nothing/", null, 10));
    assertEquals(new ListPage(List.of(), false), driver().list("nothing/deeper/", "x", 10));
    driver().putSmall("d/e/f", bytes("x"), Precondition.NONE);
    driver().delete("d/e/f", Precondition.NONE);
    assertEquals(new ListPage(List.of(), false), driver().list("d/e/", null, 10));
    assertEquals(new ListPage(List.of(), false), driver().list("d/", null, 10), "a prefix without objects is no entry");
    assertEquals(new ListPage(List.of(), false), driver().list("", null, 10));
  }

  @Test
  default void listReflectsWritesAndDeletes() {
    driver().putSmall("t/a", bytes("a"), Precondition.NONE);
    driver().putSmall("t/b/c", bytes("c"), Precondition.NONE);
    assertEquals(List.of("a", "b/"), listAll("t/"));
    driver().delete("t/a", Precondition.NONE);
    assertEquals(List.of("b/"), listAll("t/"));
    driver().putSmall("t/b/d", bytes("d"), Precondition.NONE);
    driver().delete("t/b/c", Precondition.NONE);
    assertEquals(List.of("b/"), listAll("t/"), "b/ still holds d");
    driver().delete("t/b/d", Precondition.NONE);
    assertEquals(List.of(), listAll("t/"));
  }

  @Test
  default void keysWithDotSegmentsAreOrdinaryKeys() {
    // Only "." and ".." are refused; other names starting with a dot are keys like any other.
    for (String k : List.of(".hidden", "x/.config", "x/..double", "x/...", "x/.d/y")) {
      driver().putSmall(k, bytes(k), Precondition.NONE);
      assertEquals(k, text(k));
    }
    assertEquals(List.of(".hidden", "x/"), listAll(""));
    assertEquals(List.of("...", "..double", ".config", ".d/"), listAll("x/"));
    assertTrue(driver().delete("x/.config", Precondition.NONE));
    driver().deleteAll("x/.d/");
    assertEquals(List.of("...", "..double"), listAll("x/"));
  }

  @Test
  default void unusualButValidKeysRoundTrip() {
    String longSegment = "s".repeat(200);
    // "u/" + longKey is 1024 characters, the longest key there is; no segment is longer than 255.
    String longKey = String.join("/", longSegment, longSegment, longSegment, longSegment, "t".repeat(218));
    assertEquals(1024, ("u/" + longKey).length());
    List<String> keys = List.of("a..b", "with space", "x:y", "%2e%2e", "~", "a=b&c", "tag_v1.0-rc.1", "sha256:abc", "UPPER", longKey);
    for (String k : keys) {
      driver().putSmall("u/" + k, bytes(k), Precondition.NONE);
      assertEquals(k, text("u/" + k), k);
    }
    Set<String> expected = new TreeSet<>();
    for (String k : keys) {
      int slash = k.indexOf('/');
      expected.add(slash < 0 ? k : k.substring(0, slash + 1));
    }
    assertEquals(new ArrayList<>(expected), listAll("u/"));
  }
}
