package dev.berth.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static dev.berth.storage.ContractData.bytes;
import static dev.berth.storage.ContractData.data;
import static dev.berth.storage.ContractData.in;
import static dev.berth.storage.ContractData.concat;
import static dev.berth.storage.ContractData.readAll;
import static dev.berth.storage.ContractData.attempt;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The driver contract, part of {@link StorageDriverContract}: Races: exactly one winner for conditional writes, appends and deletes; readers never see a mix. */
public interface ConcurrencyContract extends ContractFixture {

  @Test
  default void ifAbsentRaceHasExactlyOneWinner() throws Exception {
    int writers = 12;
    for (int round = 0; round < 10; round++) {
      String key = "race/" + round + "/state";
      CyclicBarrier start = new CyclicBarrier(writers);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        byte[] mine = bytes("writer " + w);
        results.add(pool().submit(() -> {
          start.await(30, TimeUnit.SECONDS);
          try {
            driver().putSmall(key, mine, Precondition.IF_ABSENT);
            return true;
          } catch (PreconditionFailedException e) {
            return false;
          }
        }));
      }
      List<Integer> winners = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        if (results.get(w).get(60, TimeUnit.SECONDS)) {
          winners.add(w);
        }
      }
      assertEquals(1, winners.size(), "round " + round + ": winners " + winners);
      assertEquals("writer " + winners.get(0), text(key), "the winner's bytes are stored");
    }
  }

  @Test
  default void ifMatchRaceHasExactlyOneWinner() throws Exception {
    int writers = 12;
    for (int round = 0; round < 10; round++) {
      String key = "cas/" + round;
      String etag = driver().putSmall(key, bytes("initial"), Precondition.NONE);
      CyclicBarrier start = new CyclicBarrier(writers);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        byte[] mine = bytes("writer " + w);
        results.add(pool().submit(() -> {
          start.await(30, TimeUnit.SECONDS);
          try {
            driver().putSmall(key, mine, Precondition.ifMatch(etag));
            return true;
          } catch (PreconditionFailedException e) {
            return false;
          }
        }));
      }
      List<Integer> winners = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        if (results.get(w).get(60, TimeUnit.SECONDS)) {
          winners.add(w);
        }
      }
      assertEquals(1, winners.size(), "round " + round + ": winners " + winners);
      assertEquals("writer " + winners.get(0), text(key));
    }
  }

  @Test
  default void ifMatchReadModifyWriteLosesNoUpdate() throws Exception {
    driver().putSmall("counter", bytes("0"), Precondition.NONE);
    int threads = 6;
    int increments = 40;
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      done.add(pool().submit(() -> {
        for (int i = 0; i < increments; i++) {
          while (true) {
            SmallObject cur = driver().getSmall("counter").orElseThrow();
            long next = Long.parseLong(new String(cur.data(), StandardCharsets.UTF_8)) + 1;
            try {
              driver().putSmall("counter", bytes(Long.toString(next)), Precondition.ifMatch(cur.etag()));
              break;
            } catch (PreconditionFailedException e) {
              // somebody else incremented: read again
            }
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get(120, TimeUnit.SECONDS);
    }
    assertEquals(Integer.toString(threads * increments), text("counter"));
  }

  @Test
  default void readersSeeOldOrNewBytesNeverAMix() throws Exception {
    int versions = 150;
    List<byte[]> written = new ArrayList<>();
    for (int v = 0; v < versions; v++) {
      written.add(version(v));
    }
    driver().putSmall("atomic", written.get(0), Precondition.NONE);
    AtomicBoolean writing = new AtomicBoolean(true);
    Future<?> writer = pool().submit(() -> {
      try {
        for (int v = 1; v < versions; v++) {
          driver().putSmall("atomic", written.get(v), Precondition.NONE);
        }
      } finally {
        writing.set(false);
      }
      return null;
    });
    List<Future<Integer>> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      readers.add(pool().submit(() -> {
        int reads = 0;
        while (writing.get() || reads == 0) {
          byte[] seen = driver().getSmall("atomic").orElseThrow(() -> new AssertionError("the key vanished during a rewrite")).data();
          checkVersion(seen);
          reads++;
        }
        return reads;
      }));
    }
    writer.get(120, TimeUnit.SECONDS);
    for (Future<Integer> r : readers) {
      assertTrue(r.get(60, TimeUnit.SECONDS) > 0);
    }
    assertArrayEquals(written.get(versions - 1), small("atomic"));
  }

  /** Version v: a header naming v and its length, then bytes derived from v; sizes vary. */
  private static byte[] version(int v) {
    int n = 1000 + (v * 7919) % 60000;
    byte[] b = data(v, n);
    byte[] header = String.format("%08d:%08d:", v, n).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(header, 0, b, 0, header.length);
    return b;
  }

  private static void checkVersion(byte[] seen) {
    if (seen.length < 18) {
      throw new AssertionError("torn read: " + seen.length + " bytes");
    }
    String header = new String(seen, 0, 18, StandardCharsets.US_ASCII);
    int v = Integer.parseInt(header.substring(0, 8));
    if (!Arrays.equals(version(v), seen)) {
      throw new AssertionError("torn or mixed read of version " + v + " (" + seen.length + " bytes)");
    }
  }

  @Test
  default void concurrentAppendsAtTheSameOffsetNeverBothSucceed() throws Exception {
    for (long start : new long[] {0, 3}) {
      String key = "u/c" + start + "/data";
      if (start > 0) {
        driver().append(key, 0, in(bytes("abc")));
      }
      byte[] dataA = data(21, 200_000);
      byte[] dataB = data(22, 150_000);
      CountDownLatch aReading = new CountDownLatch(1);
      CountDownLatch releaseA = new CountDownLatch(1);
      InputStream slowA = new InputStream() {
        final InputStream rest = new ByteArrayInputStream(dataA);
        boolean first = true;

        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (first) {
            first = false;
            aReading.countDown();
            try {
              releaseA.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
          }
          return rest.read(b, off, len);
        }
      };
      Future<Object> a = pool().submit(() -> attempt(() -> driver().append(key, start, slowA)));
      assertTrue(aReading.await(30, TimeUnit.SECONDS), "the first append never read its data");
      // While A is inside its append, B appends at the same offset.
      Future<Object> b = pool().submit(() -> attempt(() -> driver().append(key, start, in(dataB))));
      try {
        b.get(5, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        // B waits for A: allowed, as long as it does not then succeed too
      }
      releaseA.countDown();
      Object ra = a.get(60, TimeUnit.SECONDS);
      Object rb = b.get(60, TimeUnit.SECONDS);
      boolean aWon = ra instanceof Long;
      boolean bWon = rb instanceof Long;
      assertFalse(aWon && bWon, "both appends at offset " + start + " succeeded: " + ra + ", " + rb);
      for (Object r : List.of(ra, rb)) {
        assertTrue(r instanceof Long || r instanceof InvalidOffsetException, "unexpected outcome " + r);
      }
      byte[] prefix = start > 0 ? bytes("abc") : new byte[0];
      byte[] expected = aWon ? concat(prefix, dataA) : bWon ? concat(prefix, dataB) : prefix;
      if (aWon || bWon) {
        assertEquals((long) expected.length, aWon ? ra : rb);
      }
      assertEquals(expected.length, size(key));
      assertArrayEquals(expected, readAll(driver().read(key, 0, -1)));
    }
  }

  @Test
  default void racingAppendsNeverInterleave() throws Exception {
    int writers = 8;
    for (int round = 0; round < 5; round++) {
      String key = "u/race" + round + "/data";
      CyclicBarrier go = new CyclicBarrier(writers);
      List<byte[]> payloads = new ArrayList<>();
      List<Future<Object>> results = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        byte[] mine = data(100 + w, 300_000 + w * 1000);
        payloads.add(mine);
        results.add(pool().submit(() -> {
          go.await(30, TimeUnit.SECONDS);
          return attempt(() -> driver().append(key, 0, new TrickleStream(mine, 32 * 1024)));
        }));
      }
      List<Integer> winners = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        Object r = results.get(w).get(60, TimeUnit.SECONDS);
        if (r instanceof Long) {
          winners.add(w);
        } else if (!(r instanceof InvalidOffsetException)) {
          fail("unexpected outcome " + r);
        }
      }
      assertTrue(winners.size() <= 1, "round " + round + ": several appends at offset 0 succeeded: " + winners);
      byte[] stored = driver().stat(key).isPresent() ? readAll(driver().read(key, 0, -1)) : new byte[0];
      byte[] expected = winners.isEmpty() ? new byte[0] : payloads.get(winners.get(0));
      assertArrayEquals(expected, stored, "round " + round);
    }
  }

  @Test
  default void conditionalDeleteRaceHasOneWinner() throws Exception {
    for (int round = 0; round < 10; round++) {
      String key = "cd/" + round;
      String etag = driver().putSmall(key, bytes("v"), Precondition.NONE);
      CyclicBarrier go = new CyclicBarrier(8);
      List<Future<Object>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(pool().submit(() -> {
          go.await(30, TimeUnit.SECONDS);
          return attempt(() -> driver().delete(key, Precondition.ifMatch(etag)));
        }));
      }
      int deleted = 0;
      for (Future<Object> f : results) {
        Object r = f.get(60, TimeUnit.SECONDS);
        if (Boolean.TRUE.equals(r)) {
          deleted++;
        } else if (!Boolean.FALSE.equals(r) && !(r instanceof PreconditionFailedException)) {
          fail("unexpected outcome " + r);
        }
      }
      assertEquals(1, deleted, "round " + round);
      assertTrue(driver().stat(key).isEmpty());
    }
  }

  /** Hands out its bytes in small pieces, yielding between them, so racing writers overlap. */
  final class TrickleStream extends InputStream {
    private final byte[] data;
    private final int piece;
    private int pos;

    TrickleStream(byte[] data, int piece) {
      this.data = data;
      this.piece = piece;
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (pos >= data.length) {
        return -1;
      }
      Thread.yield();
      int n = Math.min(Math.min(len, piece), data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}
