package dev.berth.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.berth.storage.ContractData.bytes;
import static dev.berth.storage.ContractData.data;
import static dev.berth.storage.ContractData.in;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The driver contract, part of {@link StorageDriverContract}: Deletes and prefix deletes; {@code delete(IF_MATCH)} of a missing object returns false, {@code IF_ABSENT} is refused. */
public interface DeleteContract extends ContractFixture {

  @Test
  default void deleteRemovesTheObject() {
    driver().putSmall("k", bytes("v"), Precondition.NONE);
    assertTrue(driver().delete("k", Precondition.NONE));
    assertTrue(driver().stat("k").isEmpty());
    assertTrue(driver().getSmall("k").isEmpty());
    assertFalse(driver().delete("k", Precondition.NONE), "a second delete finds nothing");
  }

  @Test
  default void deleteOfAMissingKeyReturnsFalse() {
    assertFalse(driver().delete("missing", Precondition.NONE));
    assertFalse(driver().delete("missing/deep/key", Precondition.NONE));
  }

  @Test
  default void conditionalDelete() {
    String stale = driver().putSmall("k", bytes("v1"), Precondition.NONE);
    String current = driver().putSmall("k", bytes("v2"), Precondition.NONE);
    assertThrows(PreconditionFailedException.class, () -> driver().delete("k", Precondition.ifMatch(stale)));
    assertEquals("v2", text("k"));
    assertTrue(driver().delete("k", Precondition.ifMatch(current)));
    assertTrue(driver().stat("k").isEmpty());
    // On a missing object the delete finds nothing (object stores answer 404 before 412).
    assertFalse(driver().delete("k", Precondition.ifMatch(current)));
  }

  @Test
  default void deleteIfAbsentIsRefusedAndDeletesNothing() {
    driver().putSmall("k", bytes("v"), Precondition.NONE);
    assertThrows(IllegalArgumentException.class, () -> driver().delete("k", Precondition.IF_ABSENT));
    assertEquals("v", text("k"));
  }

  @Test
  default void deleteAllRemovesEverythingBelowAndNothingBeside() {
    List<String> below = List.of("a/1", "a/b/2", "a/b/c/3", "a/b/c/d/e/4", "a/.dot");
    List<String> beside = List.of("ab/1", "a-b", "a0/x", "b/a/1", "x/a/1", "aa");
    for (String k : below) {
      driver().putSmall(k, bytes(k), Precondition.NONE);
    }
    for (String k : beside) {
      driver().putSmall(k, bytes(k), Precondition.NONE);
    }
    driver().append("a/upload/data", 0, in(data(13, 100_000)));
    driver().deleteAll("a/");
    for (String k : below) {
      assertTrue(driver().stat(k).isEmpty(), k + " survived");
    }
    assertTrue(driver().stat("a/upload/data").isEmpty());
    for (String k : beside) {
      assertEquals(k, text(k), k + " was deleted");
    }
    assertEquals(List.of("a-b", "a0/", "aa", "ab/", "b/", "x/"), listAll(""));
    assertEquals(List.of(), listAll("a/"));
  }

  @Test
  default void deleteAllOfADeeperPrefix() {
    driver().putSmall("r/s/t/1", bytes("1"), Precondition.NONE);
    driver().putSmall("r/s/t/u/2", bytes("2"), Precondition.NONE);
    driver().putSmall("r/s/keep", bytes("k"), Precondition.NONE);
    driver().putSmall("r/s/tt/keep", bytes("k"), Precondition.NONE);
    driver().deleteAll("r/s/t/");
    assertEquals(List.of("keep", "tt/"), listAll("r/s/"));
    driver().deleteAll("r/s/tt/");
    driver().delete("r/s/keep", Precondition.NONE);
    assertEquals(List.of(), listAll(""));
  }

  @Test
  default void deleteAllOfAMissingPrefixDoesNothing() {
    driver().putSmall("k", bytes("v"), Precondition.NONE);
    driver().deleteAll("nothing/");
    driver().deleteAll("nothing/deeper/");
    assertEquals(List.of("k"), listAll(""));
  }

  @Test
  default void deleteAllOfManyKeys() throws Exception {
    List<Callable<Object>> writes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String key = "m/" + (i % 7) + "/" + (i % 3) + "/k" + i;
      writes.add(() -> driver().putSmall(key, bytes(key), Precondition.NONE));
    }
    for (Future<Object> f : pool().invokeAll(writes)) {
      f.get();
    }
    driver().putSmall("m2/k", bytes("v"), Precondition.NONE);
    driver().deleteAll("m/");
    assertEquals(List.of("m2/"), listAll(""));
  }

  /** Keys no driver may accept: they are absolute, empty or traverse, or are not keys at all. */
  List<String> INVALID_KEYS = List.of(
      "", "/abs", "/", "../x", "..", ".", "a/..", "a/../b", "a/../../etc/passwd", "a//b", "a/./b", "./a",
      "a\\b", "..\\x", "a/\u0000", "a\nb", "a\rb", "tab\there", "del\u007f", "a/", "a//", "x".repeat(1025));

  /** Prefixes no driver may accept. */
  List<String> INVALID_PREFIXES = List.of(
      "/", "/abs/", "../", "a/../", "./", "a/./", "a//", "//", "a\\b/", "a\u0001/", "no-slash", "a/b", "valid//");

  @Test
  default void invalidKeysAreRefusedByEveryMethod() {
    driver().putSmall("valid/upload", bytes("x"), Precondition.NONE);
    driver().putSmall("valid/key", bytes("y"), Precondition.NONE);
    List<String> keys = new ArrayList<>(INVALID_KEYS);
    keys.add(null);
    for (String bad : keys) {
      String what = bad == null ? "null" : "'" + bad.replace("\u0000", "\\0") + "'";
      invalid(what, () -> driver().getSmall(bad));
      invalid(what, () -> driver().putSmall(bad, bytes("x"), Precondition.NONE));
      invalid(what, () -> driver().putSmall(bad, bytes("x"), Precondition.IF_ABSENT));
      invalid(what, () -> driver().putSmall(bad, bytes("x"), Precondition.ifMatch("e")));
      invalid(what, () -> driver().stat(bad));
      invalid(what, () -> driver().read(bad, 0, -1));
      invalid(what, () -> driver().append(bad, 0, in(bytes("x"))));
      invalid(what, () -> driver().commit(bad, "valid/target"));
      invalid(what, () -> driver().commit("valid/upload", bad));
      invalid(what, () -> driver().delete(bad, Precondition.NONE));
      invalid(what, () -> driver().delete(bad, Precondition.ifMatch("e")));
      try {
        Optional<?> url = driver().redirectUrl(bad, Duration.ofMinutes(1));
        assertTrue(url.isEmpty(), "redirectUrl signed " + what);
      } catch (InvalidKeyException e) {
        // refusing is fine too
      }
    }
    List<String> prefixes = new ArrayList<>(INVALID_PREFIXES);
    prefixes.add(null);
    for (String bad : prefixes) {
      String what = bad == null ? "null" : "'" + bad + "'";
      invalid(what, () -> driver().list(bad, null, 10));
      invalid(what, () -> driver().deleteAll(bad));
    }
    // Nothing was written, moved or deleted.
    assertEquals(List.of("key", "upload"), listAll("valid/"));
    assertEquals(List.of("valid/"), listAll(""));
    assertEquals("x", text("valid/upload"));
  }

  private static void invalid(String what, Executable call) {
    assertThrows(InvalidKeyException.class, call, what);
  }

  @Test
  default void pingSucceeds() {
    driver().ping();
  }

  @Test
  default void hasAName() {
    assertNotNull(driver().name());
    assertFalse(driver().name().isBlank());
  }
}
