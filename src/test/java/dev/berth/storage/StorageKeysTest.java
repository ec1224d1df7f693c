package dev.berth.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class StorageKeysTest {

  @Test
  void acceptsKeysTheLayoutBuilds() {
    for (String key : List.of(
        "blobs/sha256/ab/abcdef0123/data",
        "repositories/library,alpine/_tags/3.20",
        "repositories/a,b,c/_referrers/sha256/00ff/sha256-11ee",
        "_uploads/0b6ae0e4-5bfb-4f9d-8a3e-0c4c1d1f9e4a/state",
        "k")) {
      assertEquals(key, StorageKeys.check(key));
    }
  }

  @Test
  void acceptsUnusualButHarmlessKeys() {
    for (String key : List.of("a..b", "...", "..a", "a/...", ".hidden/x", "x/.y", "with space", "x:y", "%2e%2e/x", "~",
        "uni\u00e9", "a".repeat(1024))) {
      assertEquals(key, StorageKeys.check(key));
    }
  }

  @Test
  void refusesKeysThatAreNotKeysOrCouldEscape() {
    for (String key : StorageDriverContract.INVALID_KEYS) {
      assertThrows(InvalidKeyException.class, () -> StorageKeys.check(key), "'" + key + "'");
    }
    assertThrows(InvalidKeyException.class, () -> StorageKeys.check(null));
  }

  @Test
  void refusesAnEmptyLastSegment() {
    // "a/" is a prefix, not a key: a file system would store it as "a", an object store as "a/".
    assertThrows(InvalidKeyException.class, () -> StorageKeys.check("a/"));
    assertThrows(InvalidKeyException.class, () -> StorageKeys.check("a/b/"));
  }

  @Test
  void refusesEveryControlCharacter() {
    for (char c = 0; c < 0x20; c++) {
      char ch = c;
      assertThrows(InvalidKeyException.class, () -> StorageKeys.check("a" + ch + "b"), "char " + (int) c);
    }
    assertThrows(InvalidKeyException.class, () -> StorageKeys.check("a\u007fb"));
  }

  @Test
  void acceptsPrefixesEndingWithASlashAndTheRoot() {
    for (String prefix : List.of("", "a/", "a/b/", "_uploads/0b6ae0e4-5bfb-4f9d-8a3e-0c4c1d1f9e4a/", "..a/")) {
      assertEquals(prefix, StorageKeys.checkPrefix(prefix));
    }
  }

  @Test
  void refusesBadPrefixes() {
    for (String prefix : StorageDriverContract.INVALID_PREFIXES) {
      assertThrows(InvalidKeyException.class, () -> StorageKeys.checkPrefix(prefix), "'" + prefix + "'");
    }
    assertThrows(InvalidKeyException.class, () -> StorageKeys.checkPrefix(null));
  }

  @Test
  void invalidKeyMessagesAreClipped() {
    InvalidKeyException e = assertThrows(InvalidKeyException.class, () -> StorageKeys.check("/" + "x".repeat(5000)));
    assertEquals(true, e.getMessage().length() < 200, e.getMessage());
  }
}
