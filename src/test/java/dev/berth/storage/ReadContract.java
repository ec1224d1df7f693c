package dev.berth.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.berth.storage.ContractData.bytes;
import static dev.berth.storage.ContractData.data;
import static dev.berth.storage.ContractData.slice;
import static dev.berth.storage.ContractData.readAll;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The driver contract, part of {@link StorageDriverContract}: Stat and read: sizes, ranges (a length past the end is cut at the end), what is not an object. */
public interface ReadContract extends ContractFixture {

  @Test
  default void statReportsSizeAndModificationTime() {
    Instant before = Instant.now().minusSeconds(60);
    driver().putSmall("s/k", data(2, 12345), Precondition.NONE);
    ObjectInfo info = driver().stat("s/k").orElseThrow();
    assertEquals(12345, info.size());
    assertNotNull(info.modified());
    assertTrue(info.modified().isAfter(before) && info.modified().isBefore(Instant.now().plusSeconds(60)),
        "modified " + info.modified());
    driver().putSmall("s/empty", new byte[0], Precondition.NONE);
    assertEquals(0, driver().stat("s/empty").orElseThrow().size());
  }

  @Test
  default void statOfAMissingKeyIsEmpty() {
    assertTrue(driver().stat("nothing").isEmpty());
    assertTrue(driver().stat("nothing/here/either").isEmpty());
  }

  @Test
  default void aPrefixIsNotAnObject() {
    driver().putSmall("d/x", bytes("x"), Precondition.NONE);
    assertTrue(driver().stat("d").isEmpty());
    assertTrue(driver().getSmall("d").isEmpty());
    assertThrows(ObjectNotFoundException.class, () -> driver().read("d", 0, -1));
    assertFalse(driver().delete("d", Precondition.NONE));
    assertThrows(ObjectNotFoundException.class, () -> driver().commit("d", "moved"));
    assertTrue(driver().stat("moved").isEmpty());
    assertEquals("x", text("d/x"));
  }

  @Test
  default void nothingIsFoundBelowAnObject() {
    driver().putSmall("f", bytes("a file"), Precondition.NONE);
    assertTrue(driver().stat("f/x").isEmpty());
    assertTrue(driver().getSmall("f/x").isEmpty());
    assertThrows(ObjectNotFoundException.class, () -> driver().read("f/x", 0, -1));
    assertFalse(driver().delete("f/x", Precondition.NONE));
    assertThrows(ObjectNotFoundException.class, () -> driver().commit("f/x", "moved"));
    assertEquals(new ListPage(List.of(), false), driver().list("f/", null, 10));
    assertEquals(new ListPage(List.of(), false), driver().list("f/x/", null, 10));
    driver().deleteAll("f/");
    assertEquals("a file", text("f"), "deleteAll(\"f/\") must not delete the object \"f\"");
  }

  @Test
  default void readRanges() {
    byte[] d = data(3, 100_000);
    driver().putSmall("r", d, Precondition.NONE);
    assertArrayEquals(d, readAll(driver().read("r", 0, -1)));
    assertArrayEquals(d, readAll(driver().read("r", 0, d.length)));
    assertArrayEquals(slice(d, 10, 20), readAll(driver().read("r", 10, 20)));
    assertArrayEquals(slice(d, 99_990, 10), readAll(driver().read("r", 99_990, -1)), "to the end");
    assertArrayEquals(slice(d, 50_000, 50_000), readAll(driver().read("r", 50_000, -1)));
    assertArrayEquals(new byte[0], readAll(driver().read("r", 5, 0)), "zero length");
    assertArrayEquals(new byte[0], readAll(driver().read("r", d.length, -1)), "offset == size: empty");
    assertArrayEquals(new byte[0], readAll(driver().read("r", d.length, 10)), "offset == size: empty");
    // A length past the end is cut at the end, as HTTP ranges are (the javadoc leaves it open).
    assertArrayEquals(slice(d, 99_000, 1000), readAll(driver().read("r", 99_000, 5000)));
    SplittableRandom rnd = new SplittableRandom(4);
    for (int i = 0; i < 50; i++) {
      int off = rnd.nextInt(d.length + 1);
      int len = rnd.nextInt(d.length - off + 1);
      assertArrayEquals(slice(d, off, len), readAll(driver().read("r", off, len)), "range " + off + "+" + len);
    }
  }

  @Test
  default void readOfAnEmptyObject() {
    driver().putSmall("e", new byte[0], Precondition.NONE);
    assertArrayEquals(new byte[0], readAll(driver().read("e", 0, -1)));
    assertArrayEquals(new byte[0], readAll(driver().read("e", 0, 10)));
    InvalidOffsetException e = assertThrows(InvalidOffsetException.class, () -> driver().read("e", 1, -1));
    assertEquals(0, e.size());
  }

  @Test
  default void readPastTheEndThrowsInvalidOffsetWithTheSize() {
    driver().putSmall("r", data(5, 1000), Precondition.NONE);
    InvalidOffsetException e = assertThrows(InvalidOffsetException.class, () -> driver().read("r", 1001, -1));
    assertEquals(1000, e.size());
    e = assertThrows(InvalidOffsetException.class, () -> driver().read("r", 5000, 10));
    assertEquals(1000, e.size());
  }

  @Test
  default void readOfAMissingKeyThrowsObjectNotFound() {
    assertThrows(ObjectNotFoundException.class, () -> driver().read("missing", 0, -1));
    assertThrows(ObjectNotFoundException.class, () -> driver().read("missing/x", 0, 10));
    assertThrows(ObjectNotFoundException.class, () -> driver().read("missing", 10, 10));
  }

  @Test
  default void contentCanBeReadWhileOtherObjectsChange() throws IOException {
    byte[] d = data(6, 300_000);
    driver().putSmall("stable", d, Precondition.NONE);
    Content c = driver().read("stable", 1000, 200_000);
    assertEquals(200_000, c.length());
    for (int i = 0; i < 20; i++) {
      driver().putSmall("other/" + i, data(i, 100), Precondition.NONE);
    }
    try (InputStream s = c.openStream()) {
      assertArrayEquals(slice(d, 1000, 200_000), s.readAllBytes());
    }
  }
}
