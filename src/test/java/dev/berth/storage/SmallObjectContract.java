package dev.berth.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.berth.storage.ContractData.bytes;
import static dev.berth.storage.ContractData.data;
import static dev.berth.storage.ContractData.in;
import static dev.berth.storage.ContractData.readAll;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The driver contract, part of {@link StorageDriverContract}: Small objects: round trips, ETags, preconditions. */
public interface SmallObjectContract extends ContractFixture {

  @Test
  default void smallObjectsRoundTrip() {
    byte[] binary = new byte[256];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) i;
    }
    byte[] mib = data(1, 1 << 20);
    driver().putSmall("small/empty", new byte[0], Precondition.NONE);
    driver().putSmall("small/binary", binary, Precondition.NONE);
    driver().putSmall("small/mib", mib, Precondition.NONE);

    assertArrayEquals(new byte[0], small("small/empty"));
    assertArrayEquals(binary, small("small/binary"));
    assertArrayEquals(mib, small("small/mib"));
    assertEquals(0, size("small/empty"));
    assertEquals(256, size("small/binary"));
    assertEquals(1 << 20, size("small/mib"));
    assertArrayEquals(mib, readAll(driver().read("small/mib", 0, -1)));
  }

  @Test
  default void getSmallOfAMissingKeyIsEmpty() {
    assertTrue(driver().getSmall("missing").isEmpty());
    assertTrue(driver().getSmall("missing/deeper/key").isEmpty());
  }

  @Test
  default void putSmallOverwrites() {
    driver().putSmall("k", bytes("first, longer content"), Precondition.NONE);
    driver().putSmall("k", bytes("second"), Precondition.NONE);
    assertEquals("second", text("k"));
    assertEquals(6, size("k"));
  }

  @Test
  default void putSmallAndGetSmallDoNotShareArraysWithTheCaller() {
    byte[] in = bytes("abc");
    driver().putSmall("k", in, Precondition.NONE);
    in[0] = 'X';
    byte[] out = small("k");
    out[1] = 'Y';
    assertEquals("abc", text("k"));
  }

  @Test
  default void putSmallReturnsTheEtagThatGetSmallReports() {
    String etag = driver().putSmall("k", bytes("v1"), Precondition.NONE);
    assertNotNull(etag);
    assertEquals(etag, driver().getSmall("k").orElseThrow().etag());
  }

  @Test
  default void etagChangesWhenTheContentChanges() {
    String e1 = driver().putSmall("k", bytes("v1"), Precondition.NONE);
    String e2 = driver().putSmall("k", bytes("v2"), Precondition.NONE);
    assertNotEquals(e1, e2);
    assertEquals(e2, driver().getSmall("k").orElseThrow().etag());
    String e3 = driver().putSmall("k", new byte[0], Precondition.NONE);
    assertNotEquals(e2, e3);
  }

  @Test
  default void ifAbsentCreatesOnlyOnce() {
    String etag = driver().putSmall("tags/latest", bytes("one"), Precondition.IF_ABSENT);
    assertThrows(PreconditionFailedException.class, () -> driver().putSmall("tags/latest", bytes("two"), Precondition.IF_ABSENT));
    assertEquals("one", text("tags/latest"));
    assertEquals(etag, driver().getSmall("tags/latest").orElseThrow().etag());
  }

  @Test
  default void ifAbsentFailsOnAnEmptyObjectToo() {
    driver().putSmall("k", new byte[0], Precondition.NONE);
    assertThrows(PreconditionFailedException.class, () -> driver().putSmall("k", bytes("x"), Precondition.IF_ABSENT));
    assertArrayEquals(new byte[0], small("k"));
  }

  @Test
  default void ifMatchWithTheCurrentEtagReplaces() {
    String e1 = driver().putSmall("k", bytes("v1"), Precondition.NONE);
    String e2 = driver().putSmall("k", bytes("v2"), Precondition.ifMatch(e1));
    assertEquals("v2", text("k"));
    assertEquals(e2, driver().getSmall("k").orElseThrow().etag());
  }

  @Test
  default void ifMatchWithAStaleEtagFails() {
    String stale = driver().putSmall("k", bytes("v1"), Precondition.NONE);
    driver().putSmall("k", bytes("v2"), Precondition.NONE);
    assertThrows(PreconditionFailedException.class, () -> driver().putSmall("k", bytes("v3"), Precondition.ifMatch(stale)));
    assertEquals("v2", text("k"));
    assertThrows(PreconditionFailedException.class, () -> driver().putSmall("k", bytes("v3"), Precondition.ifMatch("no-such-etag")));
    assertEquals("v2", text("k"));
  }

  @Test
  default void ifMatchOnAMissingObjectFailsAndCreatesNothing() {
    String etag = driver().putSmall("elsewhere", bytes("v1"), Precondition.NONE);
    assertThrows(PreconditionFailedException.class, () -> driver().putSmall("p/q/r", bytes("v1"), Precondition.ifMatch(etag)));
    assertTrue(driver().stat("p/q/r").isEmpty());
    assertTrue(driver().getSmall("p/q/r").isEmpty());
    // A failed write leaves no trace, not even a prefix.
    assertEquals(List.of("elsewhere"), listAll(""));
    assertEquals(List.of(), listAll("p/"));
  }

  @Test
  default void etagOfAnyObjectWorksForIfMatch() {
    driver().append("up/data", 0, in(bytes("appended")));
    driver().commit("up/data", "obj");
    SmallObject o = driver().getSmall("obj").orElseThrow();
    assertEquals("appended", new String(o.data(), StandardCharsets.UTF_8));
    driver().putSmall("obj", bytes("replaced"), Precondition.ifMatch(o.etag()));
    assertEquals("replaced", text("obj"));
  }
}
