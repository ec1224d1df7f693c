package dev.berth.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.berth.storage.ContractData.bytes;
import static dev.berth.storage.ContractData.data;
import static dev.berth.storage.ContractData.in;
import static dev.berth.storage.ContractData.slice;
import static dev.berth.storage.ContractData.readAll;
import static dev.berth.storage.ContractData.assertStreamEquals;

import dev.berth.it.GeneratedBlob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The driver contract, part of {@link StorageDriverContract}: Resumable appends and commits that move an upload without copying it. */
public interface AppendCommitContract extends ContractFixture {

  @Test
  default void appendAtZeroCreates() {
    assertEquals(5, driver().append("u/1/data", 0, in(bytes("hello"))));
    assertEquals(5, size("u/1/data"));
    assertEquals("hello", text("u/1/data"));
  }

  @Test
  default void appendAtTheEndAppends() {
    driver().append("u/1/data", 0, in(bytes("hello")));
    assertEquals(11, driver().append("u/1/data", 5, in(bytes(", you!"))));
    assertEquals(11, size("u/1/data"));
    assertEquals("hello, you!", text("u/1/data"));
    assertEquals("you", new String(readAll(driver().read("u/1/data", 7, 3)), StandardCharsets.UTF_8));
  }

  @Test
  default void appendAtAWrongOffsetThrowsWithTheSize() {
    driver().append("u/1/data", 0, in(bytes("hello")));
    for (long wrong : new long[] {0, 3, 4, 6, 100}) {
      InvalidOffsetException e = assertThrows(InvalidOffsetException.class,
          () -> driver().append("u/1/data", wrong, in(bytes("xyz"))), "offset " + wrong);
      assertEquals(5, e.size(), "offset " + wrong);
    }
    assertEquals("hello", text("u/1/data"));
  }

  @Test
  default void appendAtANonZeroOffsetToAMissingObjectCreatesNothing() {
    InvalidOffsetException e = assertThrows(InvalidOffsetException.class, () -> driver().append("u/2/data", 7, in(bytes("xyz"))));
    assertEquals(0, e.size());
    assertTrue(driver().stat("u/2/data").isEmpty());
    assertEquals(List.of(), listAll(""));
  }

  @Test
  default void anEmptyAppendCreatesAnEmptyObject() {
    assertEquals(0, driver().append("u/3/data", 0, in(new byte[0])));
    assertEquals(0, driver().stat("u/3/data").orElseThrow().size());
    assertArrayEquals(new byte[0], readAll(driver().read("u/3/data", 0, -1)));
    driver().append("u/3/data", 0, in(bytes("abc")));
    assertEquals(3, driver().append("u/3/data", 3, in(new byte[0])));
    assertEquals("abc", text("u/3/data"));
  }

  @Test
  default void appendingManyUnevenChunksReadsBackByteIdentical() throws IOException {
    int total = 20 << 20;
    SplittableRandom sizes = new SplittableRandom(7);
    long offset = 0;
    int chunks = 0;
    while (offset < total) {
      int n = (int) Math.min(total - offset, 1 + sizes.nextInt(3 << 20));
      if (chunks % 7 == 3) {
        n = Math.min(n, 1 + sizes.nextInt(100)); // now and then a tiny one
      }
      long size = driver().append("big/data", offset, GeneratedBlob.stream(11, offset, n));
      assertEquals(offset + n, size);
      assertEquals(size, size("big/data"));
      offset = size;
      chunks++;
    }
    assertTrue(chunks > 10, "chunks: " + chunks);
    Content all = driver().read("big/data", 0, -1);
    assertEquals(total, all.length());
    try (InputStream s = all.openStream()) {
      assertStreamEquals(GeneratedBlob.stream(11, 0, total), s, total);
    }
    SplittableRandom rnd = new SplittableRandom(8);
    for (int i = 0; i < 20; i++) {
      long off = rnd.nextLong(total + 1L);
      int len = (int) Math.min(total - off, rnd.nextInt(2 << 20));
      Content part = driver().read("big/data", off, len);
      assertEquals(len, part.length());
      try (InputStream s = part.openStream()) {
        assertStreamEquals(GeneratedBlob.stream(11, off, len), s, len);
      }
    }
  }

  @Test
  default void appendResumesAfterTheSourceFails() {
    byte[] d = data(9, 3 << 20);
    int failAt = (int) (2.5 * (1 << 20));
    InputStream failing = new InputStream() {
      int pos;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (pos >= failAt) {
          throw new IOException("client went away");
        }
        int n = Math.min(len, Math.min(failAt - pos, 64 * 1024));
        System.arraycopy(d, pos, b, off, n);
        pos += n;
        return n;
      }
    };
    assertThrows(RuntimeException.class, () -> driver().append("u/4/data", 0, failing));
    // What was stored is a prefix of what was sent; the upload continues from its size.
    long stored = driver().stat("u/4/data").map(ObjectInfo::size).orElse(0L);
    assertTrue(stored <= failAt, "stored " + stored);
    if (stored > 0) {
      assertArrayEquals(slice(d, 0, (int) stored), readAll(driver().read("u/4/data", 0, -1)));
    }
    assertEquals(d.length, driver().append("u/4/data", stored, in(slice(d, (int) stored, d.length - (int) stored))));
    assertArrayEquals(d, readAll(driver().read("u/4/data", 0, -1)));
  }

  @Test
  default void commitMovesTheUpload() {
    byte[] d = data(12, 500_000);
    driver().putSmall("_uploads/1/state", bytes("{}"), Precondition.NONE);
    driver().append("_uploads/1/data", 0, in(slice(d, 0, 200_000)));
    driver().append("_uploads/1/data", 200_000, in(slice(d, 200_000, 300_000)));
    driver().commit("_uploads/1/data", "blobs/sha256/ab/abcdef/data");
    assertTrue(driver().stat("_uploads/1/data").isEmpty(), "the upload remains after commit");
    assertThrows(ObjectNotFoundException.class, () -> driver().read("_uploads/1/data", 0, -1));
    assertEquals(List.of("state"), listAll("_uploads/1/"));
    assertEquals(500_000, size("blobs/sha256/ab/abcdef/data"));
    assertArrayEquals(d, readAll(driver().read("blobs/sha256/ab/abcdef/data", 0, -1)));
    assertArrayEquals(d, small("blobs/sha256/ab/abcdef/data"));
  }

  @Test
  default void commitReplacesAnExistingTarget() {
    driver().putSmall("target", bytes("old and longer"), Precondition.NONE);
    driver().append("up/data", 0, in(bytes("new")));
    driver().commit("up/data", "target");
    assertEquals("new", text("target"));
    assertEquals(3, size("target"));
    assertTrue(driver().stat("up/data").isEmpty());
  }

  @Test
  default void commitOfAMissingUploadThrowsObjectNotFound() {
    driver().putSmall("target", bytes("kept"), Precondition.NONE);
    assertThrows(ObjectNotFoundException.class, () -> driver().commit("up/none", "target"));
    assertThrows(ObjectNotFoundException.class, () -> driver().commit("up/none", "new/target"));
    assertEquals("kept", text("target"));
    assertTrue(driver().stat("new/target").isEmpty());
    assertEquals(List.of("target"), listAll(""));
  }

  @Test
  default void commitOfAnEmptyUpload() {
    driver().append("up/data", 0, in(new byte[0]));
    driver().commit("up/data", "empty/blob");
    assertEquals(0, size("empty/blob"));
    assertTrue(driver().stat("up/data").isEmpty());
  }

  @Test
  default void aCommittedUploadIsNoLongerListed() {
    // Drivers that can't rename (Azure) keep the bytes where they were uploaded, out of sight:
    // the key is gone from its parent's listing, though the parent prefix may stay.
    driver().append("_data/9", 0, in(bytes("x")));
    driver().putSmall("_data/8", bytes("y"), Precondition.NONE);
    driver().commit("_data/9", "blobs/x/data");
    assertEquals(List.of("8"), listAll("_data/"));
    assertTrue(driver().stat("_data/9").isEmpty());
    assertFalse(driver().delete("_data/9", Precondition.NONE));
    assertEquals(List.of("x/"), listAll("blobs/"));
  }
}
