package dev.berth.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.it.GeneratedBlob;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * The behaviour every {@link StorageDriver} must have, as its javadoc states it. A driver's test
 * extends this class and only says how to make a fresh, empty driver ({@link #newDriver}) and,
 * optionally, how to clean up after one ({@link #cleanup}); it may add tests of its own. Modeled on
 * CNCF distribution's {@code registry/storage/driver/testsuites}.
 *
 * <p>Where the javadoc leaves a case open, the suite pins the choice that the existing drivers, the
 * registry's callers and object stores agree on, and says so at the test:
 *
 * <ul>
 *   <li>{@code read} with a length past the end is cut at the end (as HTTP ranges are);
 *   <li>{@code delete(IF_MATCH)} of a missing object returns false (object stores answer 404
 *       before 412); {@code delete(IF_ABSENT)} is a caller error ({@link IllegalArgumentException})
 *       and deletes nothing;
 *   <li>{@code list}'s {@code truncated} is exact: true if and only if more entries follow, and a
 *       truncated page is never empty (callers page on with its last name);
 *   <li>whether one key can be both an object and the prefix of other keys ({@code a} and
 *       {@code a/b}) is left open: a file system can't, the registry's layout never does it. The
 *       suite only requires that nothing is found <em>below</em> an object and that a prefix is not
 *       an object.
 * </ul>
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
public abstract class StorageDriverContract {

  /** A new driver over empty storage. */
  protected abstract StorageDriver newDriver() throws Exception;

  /** Releases what {@link #newDriver} made; called after every test. */
  protected void cleanup(StorageDriver driver) throws Exception {}

  protected StorageDriver driver;
  private ExecutorService pool;

  @BeforeEach
  void createDriver() throws Exception {
    driver = newDriver();
    pool = Executors.newCachedThreadPool();
  }

  @AfterEach
  void dropDriver() throws Exception {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), "test threads did not stop");
    cleanup(driver);
  }

  // ---------------------------------------------------------------------------------------------
  // small objects

  @Test
  void smallObjectsRoundTrip() {
    byte[] binary = new byte[256];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) i;
    }
    byte[] mib = data(1, 1 << 20);
    driver.putSmall("small/empty", new byte[0], Precondition.NONE);
    driver.putSmall("small/binary", binary, Precondition.NONE);
    driver.putSmall("small/mib", mib, Precondition.NONE);

    assertArrayEquals(new byte[0], small("small/empty"));
    assertArrayEquals(binary, small("small/binary"));
    assertArrayEquals(mib, small("small/mib"));
    assertEquals(0, size("small/empty"));
    assertEquals(256, size("small/binary"));
    assertEquals(1 << 20, size("small/mib"));
    assertArrayEquals(mib, readAll(driver.read("small/mib", 0, -1)));
  }

  @Test
  void getSmallOfAMissingKeyIsEmpty() {
    assertTrue(driver.getSmall("missing").isEmpty());
    assertTrue(driver.getSmall("missing/deeper/key").isEmpty());
  }

  @Test
  void putSmallOverwrites() {
    driver.putSmall("k", bytes("first, longer content"), Precondition.NONE);
    driver.putSmall("k", bytes("second"), Precondition.NONE);
    assertEquals("second", text("k"));
    assertEquals(6, size("k"));
  }

  @Test
  void putSmallAndGetSmallDoNotShareArraysWithTheCaller() {
    byte[] in = bytes("abc");
    driver.putSmall("k", in, Precondition.NONE);
    in[0] = 'X';
    byte[] out = small("k");
    out[1] = 'Y';
    assertEquals("abc", text("k"));
  }

  @Test
  void putSmallReturnsTheEtagThatGetSmallReports() {
    String etag = driver.putSmall("k", bytes("v1"), Precondition.NONE);
    assertNotNull(etag);
    assertEquals(etag, driver.getSmall("k").orElseThrow().etag());
  }

  @Test
  void etagChangesWhenTheContentChanges() {
    String e1 = driver.putSmall("k", bytes("v1"), Precondition.NONE);
    String e2 = driver.putSmall("k", bytes("v2"), Precondition.NONE);
    assertNotEquals(e1, e2);
    assertEquals(e2, driver.getSmall("k").orElseThrow().etag());
    String e3 = driver.putSmall("k", new byte[0], Precondition.NONE);
    assertNotEquals(e2, e3);
  }

  @Test
  void ifAbsentCreatesOnlyOnce() {
    String etag = driver.putSmall("tags/latest", bytes("one"), Precondition.IF_ABSENT);
    assertThrows(PreconditionFailedException.class, () -> driver.putSmall("tags/latest", bytes("two"), Precondition.IF_ABSENT));
    assertEquals("one", text("tags/latest"));
    assertEquals(etag, driver.getSmall("tags/latest").orElseThrow().etag());
  }

  @Test
  void ifAbsentFailsOnAnEmptyObjectToo() {
    driver.putSmall("k", new byte[0], Precondition.NONE);
    assertThrows(PreconditionFailedException.class, () -> driver.putSmall("k", bytes("x"), Precondition.IF_ABSENT));
    assertArrayEquals(new byte[0], small("k"));
  }

  @Test
  void ifAbsentRaceHasExactlyOneWinner() throws Exception {
    int writers = 12;
    for (int round = 0; round < 10; round++) {
      String key = "race/" + round + "/state";
      CyclicBarrier start = new CyclicBarrier(writers);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        byte[] mine = bytes("writer " + w);
        results.add(pool.submit(() -> {
          start.await(30, TimeUnit.SECONDS);
          try {
            driver.putSmall(key, mine, Precondition.IF_ABSENT);
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
  void ifMatchWithTheCurrentEtagReplaces() {
    String e1 = driver.putSmall("k", bytes("v1"), Precondition.NONE);
    String e2 = driver.putSmall("k", bytes("v2"), Precondition.ifMatch(e1));
    assertEquals("v2", text("k"));
    assertEquals(e2, driver.getSmall("k").orElseThrow().etag());
  }

  @Test
  void ifMatchWithAStaleEtagFails() {
    String stale = driver.putSmall("k", bytes("v1"), Precondition.NONE);
    driver.putSmall("k", bytes("v2"), Precondition.NONE);
    assertThrows(PreconditionFailedException.class, () -> driver.putSmall("k", bytes("v3"), Precondition.ifMatch(stale)));
    assertEquals("v2", text("k"));
    assertThrows(PreconditionFailedException.class, () -> driver.putSmall("k", bytes("v3"), Precondition.ifMatch("no-such-etag")));
    assertEquals("v2", text("k"));
  }

  @Test
  void ifMatchOnAMissingObjectFailsAndCreatesNothing() {
    String etag = driver.putSmall("elsewhere", bytes("v1"), Precondition.NONE);
    assertThrows(PreconditionFailedException.class, () -> driver.putSmall("p/q/r", bytes("v1"), Precondition.ifMatch(etag)));
    assertTrue(driver.stat("p/q/r").isEmpty());
    assertTrue(driver.getSmall("p/q/r").isEmpty());
    // A failed write leaves no trace, not even a prefix.
    assertEquals(List.of("elsewhere"), listAll(""));
    assertEquals(List.of(), listAll("p/"));
  }

  @Test
  void etagOfAnyObjectWorksForIfMatch() {
    driver.append("up/data", 0, in(bytes("appended")));
    driver.commit("up/data", "obj");
    SmallObject o = driver.getSmall("obj").orElseThrow();
    assertEquals("appended", new String(o.data(), StandardCharsets.UTF_8));
    driver.putSmall("obj", bytes("replaced"), Precondition.ifMatch(o.etag()));
    assertEquals("replaced", text("obj"));
  }

  @Test
  void ifMatchRaceHasExactlyOneWinner() throws Exception {
    int writers = 12;
    for (int round = 0; round < 10; round++) {
      String key = "cas/" + round;
      String etag = driver.putSmall(key, bytes("initial"), Precondition.NONE);
      CyclicBarrier start = new CyclicBarrier(writers);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        byte[] mine = bytes("writer " + w);
        results.add(pool.submit(() -> {
          start.await(30, TimeUnit.SECONDS);
          try {
            driver.putSmall(key, mine, Precondition.ifMatch(etag));
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
  void ifMatchReadModifyWriteLosesNoUpdate() throws Exception {
    driver.putSmall("counter", bytes("0"), Precondition.NONE);
    int threads = 6;
    int increments = 40;
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      done.add(pool.submit(() -> {
        for (int i = 0; i < increments; i++) {
          while (true) {
            SmallObject cur = driver.getSmall("counter").orElseThrow();
            long next = Long.parseLong(new String(cur.data(), StandardCharsets.UTF_8)) + 1;
            try {
              driver.putSmall("counter", bytes(Long.toString(next)), Precondition.ifMatch(cur.etag()));
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
  void readersSeeOldOrNewBytesNeverAMix() throws Exception {
    int versions = 150;
    List<byte[]> written = new ArrayList<>();
    for (int v = 0; v < versions; v++) {
      written.add(version(v));
    }
    driver.putSmall("atomic", written.get(0), Precondition.NONE);
    AtomicBoolean writing = new AtomicBoolean(true);
    Future<?> writer = pool.submit(() -> {
      try {
        for (int v = 1; v < versions; v++) {
          driver.putSmall("atomic", written.get(v), Precondition.NONE);
        }
      } finally {
        writing.set(false);
      }
      return null;
    });
    List<Future<Integer>> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      readers.add(pool.submit(() -> {
        int reads = 0;
        while (writing.get() || reads == 0) {
          byte[] seen = driver.getSmall("atomic").orElseThrow(() -> new AssertionError("the key vanished during a rewrite")).data();
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

  // ---------------------------------------------------------------------------------------------
  // stat

  @Test
  void statReportsSizeAndModificationTime() {
    Instant before = Instant.now().minusSeconds(60);
    driver.putSmall("s/k", data(2, 12345), Precondition.NONE);
    ObjectInfo info = driver.stat("s/k").orElseThrow();
    assertEquals(12345, info.size());
    assertNotNull(info.modified());
    assertTrue(info.modified().isAfter(before) && info.modified().isBefore(Instant.now().plusSeconds(60)),
        "modified " + info.modified());
    driver.putSmall("s/empty", new byte[0], Precondition.NONE);
    assertEquals(0, driver.stat("s/empty").orElseThrow().size());
  }

  @Test
  void statOfAMissingKeyIsEmpty() {
    assertTrue(driver.stat("nothing").isEmpty());
    assertTrue(driver.stat("nothing/here/either").isEmpty());
  }

  @Test
  void aPrefixIsNotAnObject() {
    driver.putSmall("d/x", bytes("x"), Precondition.NONE);
    assertTrue(driver.stat("d").isEmpty());
    assertTrue(driver.getSmall("d").isEmpty());
    assertThrows(ObjectNotFoundException.class, () -> driver.read("d", 0, -1));
    assertFalse(driver.delete("d", Precondition.NONE));
    assertThrows(ObjectNotFoundException.class, () -> driver.commit("d", "moved"));
    assertTrue(driver.stat("moved").isEmpty());
    assertEquals("x", text("d/x"));
  }

  @Test
  void nothingIsFoundBelowAnObject() {
    driver.putSmall("f", bytes("a file"), Precondition.NONE);
    assertTrue(driver.stat("f/x").isEmpty());
    assertTrue(driver.getSmall("f/x").isEmpty());
    assertThrows(ObjectNotFoundException.class, () -> driver.read("f/x", 0, -1));
    assertFalse(driver.delete("f/x", Precondition.NONE));
    assertThrows(ObjectNotFoundException.class, () -> driver.commit("f/x", "moved"));
    assertEquals(new ListPage(List.of(), false), driver.list("f/", null, 10));
    assertEquals(new ListPage(List.of(), false), driver.list("f/x/", null, 10));
    driver.deleteAll("f/");
    assertEquals("a file", text("f"), "deleteAll(\"f/\") must not delete the object \"f\"");
  }

  // ---------------------------------------------------------------------------------------------
  // read

  @Test
  void readRanges() {
    byte[] d = data(3, 100_000);
    driver.putSmall("r", d, Precondition.NONE);
    assertArrayEquals(d, readAll(driver.read("r", 0, -1)));
    assertArrayEquals(d, readAll(driver.read("r", 0, d.length)));
    assertArrayEquals(slice(d, 10, 20), readAll(driver.read("r", 10, 20)));
    assertArrayEquals(slice(d, 99_990, 10), readAll(driver.read("r", 99_990, -1)), "to the end");
    assertArrayEquals(slice(d, 50_000, 50_000), readAll(driver.read("r", 50_000, -1)));
    assertArrayEquals(new byte[0], readAll(driver.read("r", 5, 0)), "zero length");
    assertArrayEquals(new byte[0], readAll(driver.read("r", d.length, -1)), "offset == size: empty");
    assertArrayEquals(new byte[0], readAll(driver.read("r", d.length, 10)), "offset == size: empty");
    // A length past the end is cut at the end, as HTTP ranges are (the javadoc leaves it open).
    assertArrayEquals(slice(d, 99_000, 1000), readAll(driver.read("r", 99_000, 5000)));
    SplittableRandom rnd = new SplittableRandom(4);
    for (int i = 0; i < 50; i++) {
      int off = rnd.nextInt(d.length + 1);
      int len = rnd.nextInt(d.length - off + 1);
      assertArrayEquals(slice(d, off, len), readAll(driver.read("r", off, len)), "range " + off + "+" + len);
    }
  }

  @Test
  void readOfAnEmptyObject() {
    driver.putSmall("e", new byte[0], Precondition.NONE);
    assertArrayEquals(new byte[0], readAll(driver.read("e", 0, -1)));
    assertArrayEquals(new byte[0], readAll(driver.read("e", 0, 10)));
    InvalidOffsetException e = assertThrows(InvalidOffsetException.class, () -> driver.read("e", 1, -1));
    assertEquals(0, e.size());
  }

  @Test
  void readPastTheEndThrowsInvalidOffsetWithTheSize() {
    driver.putSmall("r", data(5, 1000), Precondition.NONE);
    InvalidOffsetException e = assertThrows(InvalidOffsetException.class, () -> driver.read("r", 1001, -1));
    assertEquals(1000, e.size());
    e = assertThrows(InvalidOffsetException.class, () -> driver.read("r", 5000, 10));
    assertEquals(1000, e.size());
  }

  @Test
  void readOfAMissingKeyThrowsObjectNotFound() {
    assertThrows(ObjectNotFoundException.class, () -> driver.read("missing", 0, -1));
    assertThrows(ObjectNotFoundException.class, () -> driver.read("missing/x", 0, 10));
    assertThrows(ObjectNotFoundException.class, () -> driver.read("missing", 10, 10));
  }

  @Test
  void contentCanBeReadWhileOtherObjectsChange() throws IOException {
    byte[] d = data(6, 300_000);
    driver.putSmall("stable", d, Precondition.NONE);
    Content c = driver.read("stable", 1000, 200_000);
    assertEquals(200_000, c.length());
    for (int i = 0; i < 20; i++) {
      driver.putSmall("other/" + i, data(i, 100), Precondition.NONE);
    }
    try (InputStream s = c.openStream()) {
      assertArrayEquals(slice(d, 1000, 200_000), s.readAllBytes());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // append

  @Test
  void appendAtZeroCreates() {
    assertEquals(5, driver.append("u/1/data", 0, in(bytes("hello"))));
    assertEquals(5, size("u/1/data"));
    assertEquals("hello", text("u/1/data"));
  }

  @Test
  void appendAtTheEndAppends() {
    driver.append("u/1/data", 0, in(bytes("hello")));
    assertEquals(11, driver.append("u/1/data", 5, in(bytes(", you!"))));
    assertEquals(11, size("u/1/data"));
    assertEquals("hello, you!", text("u/1/data"));
    assertEquals("you", new String(readAll(driver.read("u/1/data", 7, 3)), StandardCharsets.UTF_8));
  }

  @Test
  void appendAtAWrongOffsetThrowsWithTheSize() {
    driver.append("u/1/data", 0, in(bytes("hello")));
    for (long wrong : new long[] {0, 3, 4, 6, 100}) {
      InvalidOffsetException e = assertThrows(InvalidOffsetException.class,
          () -> driver.append("u/1/data", wrong, in(bytes("xyz"))), "offset " + wrong);
      assertEquals(5, e.size(), "offset " + wrong);
    }
    assertEquals("hello", text("u/1/data"));
  }

  @Test
  void appendAtANonZeroOffsetToAMissingObjectCreatesNothing() {
    InvalidOffsetException e = assertThrows(InvalidOffsetException.class, () -> driver.append("u/2/data", 7, in(bytes("xyz"))));
    assertEquals(0, e.size());
    assertTrue(driver.stat("u/2/data").isEmpty());
    assertEquals(List.of(), listAll(""));
  }

  @Test
  void anEmptyAppendCreatesAnEmptyObject() {
    assertEquals(0, driver.append("u/3/data", 0, in(new byte[0])));
    assertEquals(0, driver.stat("u/3/data").orElseThrow().size());
    assertArrayEquals(new byte[0], readAll(driver.read("u/3/data", 0, -1)));
    driver.append("u/3/data", 0, in(bytes("abc")));
    assertEquals(3, driver.append("u/3/data", 3, in(new byte[0])));
    assertEquals("abc", text("u/3/data"));
  }

  @Test
  void appendingManyUnevenChunksReadsBackByteIdentical() throws IOException {
    int total = 20 << 20;
    SplittableRandom sizes = new SplittableRandom(7);
    long offset = 0;
    int chunks = 0;
    while (offset < total) {
      int n = (int) Math.min(total - offset, 1 + sizes.nextInt(3 << 20));
      if (chunks % 7 == 3) {
        n = Math.min(n, 1 + sizes.nextInt(100)); // now and then a tiny one
      }
      long size = driver.append("big/data", offset, GeneratedBlob.stream(11, offset, n));
      assertEquals(offset + n, size);
      assertEquals(size, size("big/data"));
      offset = size;
      chunks++;
    }
    assertTrue(chunks > 10, "chunks: " + chunks);
    Content all = driver.read("big/data", 0, -1);
    assertEquals(total, all.length());
    try (InputStream s = all.openStream()) {
      assertStreamEquals(GeneratedBlob.stream(11, 0, total), s, total);
    }
    SplittableRandom rnd = new SplittableRandom(8);
    for (int i = 0; i < 20; i++) {
      long off = rnd.nextLong(total + 1L);
      int len = (int) Math.min(total - off, rnd.nextInt(2 << 20));
      Content part = driver.read("big/data", off, len);
      assertEquals(len, part.length());
      try (InputStream s = part.openStream()) {
        assertStreamEquals(GeneratedBlob.stream(11, off, len), s, len);
      }
    }
  }

  @Test
  void appendResumesAfterTheSourceFails() {
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
    assertThrows(RuntimeException.class, () -> driver.append("u/4/data", 0, failing));
    // What was stored is a prefix of what was sent; the upload continues from its size.
    long stored = driver.stat("u/4/data").map(ObjectInfo::size).orElse(0L);
    assertTrue(stored <= failAt, "stored " + stored);
    if (stored > 0) {
      assertArrayEquals(slice(d, 0, (int) stored), readAll(driver.read("u/4/data", 0, -1)));
    }
    assertEquals(d.length, driver.append("u/4/data", stored, in(slice(d, (int) stored, d.length - (int) stored))));
    assertArrayEquals(d, readAll(driver.read("u/4/data", 0, -1)));
  }

  @Test
  void concurrentAppendsAtTheSameOffsetNeverBothSucceed() throws Exception {
    for (long start : new long[] {0, 3}) {
      String key = "u/c" + start + "/data";
      if (start > 0) {
        driver.append(key, 0, in(bytes("abc")));
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
      Future<Object> a = pool.submit(() -> attempt(() -> driver.append(key, start, slowA)));
      assertTrue(aReading.await(30, TimeUnit.SECONDS), "the first append never read its data");
      // While A is inside its append, B appends at the same offset.
      Future<Object> b = pool.submit(() -> attempt(() -> driver.append(key, start, in(dataB))));
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
      assertArrayEquals(expected, readAll(driver.read(key, 0, -1)));
    }
  }

  @Test
  void racingAppendsNeverInterleave() throws Exception {
    int writers = 8;
    for (int round = 0; round < 5; round++) {
      String key = "u/race" + round + "/data";
      CyclicBarrier go = new CyclicBarrier(writers);
      List<byte[]> payloads = new ArrayList<>();
      List<Future<Object>> results = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        byte[] mine = data(100 + w, 300_000 + w * 1000);
        payloads.add(mine);
        results.add(pool.submit(() -> {
          go.await(30, TimeUnit.SECONDS);
          return attempt(() -> driver.append(key, 0, new TrickleStream(mine, 32 * 1024)));
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
      byte[] stored = driver.stat(key).isPresent() ? readAll(driver.read(key, 0, -1)) : new byte[0];
      byte[] expected = winners.isEmpty() ? new byte[0] : payloads.get(winners.get(0));
      assertArrayEquals(expected, stored, "round " + round);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // commit

  @Test
  void commitMovesTheUpload() {
    byte[] d = data(12, 500_000);
    driver.putSmall("_uploads/1/state", bytes("{}"), Precondition.NONE);
    driver.append("_uploads/1/data", 0, in(slice(d, 0, 200_000)));
    driver.append("_uploads/1/data", 200_000, in(slice(d, 200_000, 300_000)));
    driver.commit("_uploads/1/data", "blobs/sha256/ab/abcdef/data");
    assertTrue(driver.stat("_uploads/1/data").isEmpty(), "the upload remains after commit");
    assertThrows(ObjectNotFoundException.class, () -> driver.read("_uploads/1/data", 0, -1));
    assertEquals(List.of("state"), listAll("_uploads/1/"));
    assertEquals(500_000, size("blobs/sha256/ab/abcdef/data"));
    assertArrayEquals(d, readAll(driver.read("blobs/sha256/ab/abcdef/data", 0, -1)));
    assertArrayEquals(d, small("blobs/sha256/ab/abcdef/data"));
  }

  @Test
  void commitReplacesAnExistingTarget() {
    driver.putSmall("target", bytes("old and longer"), Precondition.NONE);
    driver.append("up/data", 0, in(bytes("new")));
    driver.commit("up/data", "target");
    assertEquals("new", text("target"));
    assertEquals(3, size("target"));
    assertTrue(driver.stat("up/data").isEmpty());
  }

  @Test
  void commitOfAMissingUploadThrowsObjectNotFound() {
    driver.putSmall("target", bytes("kept"), Precondition.NONE);
    assertThrows(ObjectNotFoundException.class, () -> driver.commit("up/none", "target"));
    assertThrows(ObjectNotFoundException.class, () -> driver.commit("up/none", "new/target"));
    assertEquals("kept", text("target"));
    assertTrue(driver.stat("new/target").isEmpty());
    assertEquals(List.of("target"), listAll(""));
  }

  @Test
  void commitOfAnEmptyUpload() {
    driver.append("up/data", 0, in(new byte[0]));
    driver.commit("up/data", "empty/blob");
    assertEquals(0, size("empty/blob"));
    assertTrue(driver.stat("up/data").isEmpty());
  }

  @Test
  void aCommittedUploadIsNoLongerListed() {
    // Drivers that can't rename (Azure) keep the bytes where they were uploaded, out of sight:
    // the key is gone from its parent's listing, though the parent prefix may stay.
    driver.append("_data/9", 0, in(bytes("x")));
    driver.putSmall("_data/8", bytes("y"), Precondition.NONE);
    driver.commit("_data/9", "blobs/x/data");
    assertEquals(List.of("8"), listAll("_data/"));
    assertTrue(driver.stat("_data/9").isEmpty());
    assertFalse(driver.delete("_data/9", Precondition.NONE));
    assertEquals(List.of("x/"), listAll("blobs/"));
  }

  // ---------------------------------------------------------------------------------------------
  // list

  @Test
  void listShowsDirectChildrenAndEachPrefixOnce() {
    for (String k : List.of("r/one", "r/two", "r/sub/a", "r/sub/b", "r/sub/deeper/c", "r/other/x/y/z", "r2/not-me", "q")) {
      driver.putSmall(k, bytes(k), Precondition.NONE);
    }
    assertEquals(new ListPage(List.of("one", "other/", "sub/", "two"), false), driver.list("r/", null, 100));
    assertEquals(new ListPage(List.of("a", "b", "deeper/"), false), driver.list("r/sub/", null, 100));
    assertEquals(new ListPage(List.of("q", "r/", "r2/"), false), driver.list("", null, 100));
    assertEquals(new ListPage(List.of("x/"), false), driver.list("r/other/", null, 100));
  }

  @Test
  void listIsInByteOrderComparingPrefixesWithTheirSlash() {
    // '!' 0x21 < '-' 0x2d < '.' 0x2e < '/' 0x2f < '0' 0x30 < 'A' 0x41 < '_' 0x5f < 'a' 0x61
    for (String k : List.of("p/b", "p/a0", "p/a/x", "p/a/y/z", "p/a.c", "p/a-b", "p/a!", "p/aa", "p/B", "p/_x", "p/a_/k", "p/a-/k")) {
      driver.putSmall(k, bytes(k), Precondition.NONE);
    }
    List<String> expected = List.of("B", "_x", "a!", "a-/", "a-b", "a.c", "a/", "a0", "a_/", "aa", "b");
    assertEquals(expected, driver.list("p/", null, 100).names());
    assertEquals(expected, listAll("p/", 1));
    assertEquals(expected, listAll("p/", 3));
  }

  @Test
  void listStartsAfterTheGivenEntry() {
    for (String k : List.of("p/a-b", "p/a/x", "p/a/y/z", "p/a0", "p/b")) {
      driver.putSmall(k, bytes(k), Precondition.NONE);
    }
    assertEquals(List.of("a/", "a0", "b"), driver.list("p/", "a-b", 100).names());
    assertEquals(List.of("a0", "b"), driver.list("p/", "a/", 100).names(), "after a prefix entry");
    assertEquals(List.of("a/", "a0", "b"), driver.list("p/", "a.", 100).names(), "\"a/\" sorts after \"a.\" ('/' > '.')");
    assertEquals(List.of("a-b", "a/", "a0", "b"), driver.list("p/", "a", 100).names());
    assertEquals(List.of("a0", "b"), driver.list("p/", "a/x", 100).names(), "inside a prefix: past it");
    assertEquals(List.of("b"), driver.list("p/", "a1", 100).names(), "between entries");
    assertEquals(List.of("a-b", "a/", "a0", "b"), driver.list("p/", "", 100).names());
    assertEquals(List.of("a-b", "a/", "a0", "b"), driver.list("p/", "0", 100).names());
    assertEquals(new ListPage(List.of(), false), driver.list("p/", "b", 100));
    assertEquals(new ListPage(List.of(), false), driver.list("p/", "zzz", 100));
  }

  @Test
  void listLimitAndTruncated() {
    for (String k : List.of("l/1", "l/2", "l/3/x", "l/4", "l/5/y/z")) {
      driver.putSmall(k, bytes(k), Precondition.NONE);
    }
    assertEquals(new ListPage(List.of("1", "2", "3/", "4", "5/"), false), driver.list("l/", null, 5), "exactly limit: nothing follows");
    assertEquals(new ListPage(List.of("1", "2", "3/", "4", "5/"), false), driver.list("l/", null, 1000));
    assertEquals(new ListPage(List.of("1", "2", "3/", "4"), true), driver.list("l/", null, 4));
    assertEquals(new ListPage(List.of("1"), true), driver.list("l/", null, 1));
    assertEquals(new ListPage(List.of("3/", "4"), true), driver.list("l/", "2", 2));
    assertEquals(new ListPage(List.of("5/"), false), driver.list("l/", "4", 2));
    assertEquals(new ListPage(List.of("4", "5/"), false), driver.list("l/", "3/", 2));
  }

  @Test
  void pagingThrough2500EntriesYieldsEachOnce() throws Exception {
    List<String> expected = new ArrayList<>();
    List<Callable<Object>> writes = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      String name = String.format("e%04d", i);
      String key = i % 5 == 0 ? "many/" + name + "/child" : "many/" + name;
      expected.add(i % 5 == 0 ? name + "/" : name);
      writes.add(() -> driver.putSmall(key, bytes(key), Precondition.NONE));
    }
    driver.putSmall("many-sibling", bytes("not listed"), Precondition.NONE);
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
      ListPage page = driver.list("many/", after, 1000);
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
  void listOfAMissingOrEmptyPrefixIsEmpty() {
    assertEquals(new ListPage(List.of(), false), driver.list("", null, 10));
    assertEquals(new ListPage(List.of(), false), driver.list("nothing/", null, 10));
    assertEquals(new ListPage(List.of(), false), driver.list("nothing/deeper/", "x", 10));
    driver.putSmall("d/e/f", bytes("x"), Precondition.NONE);
    driver.delete("d/e/f", Precondition.NONE);
    assertEquals(new ListPage(List.of(), false), driver.list("d/e/", null, 10));
    assertEquals(new ListPage(List.of(), false), driver.list("d/", null, 10), "a prefix without objects is no entry");
    assertEquals(new ListPage(List.of(), false), driver.list("", null, 10));
  }

  @Test
  void listReflectsWritesAndDeletes() {
    driver.putSmall("t/a", bytes("a"), Precondition.NONE);
    driver.putSmall("t/b/c", bytes("c"), Precondition.NONE);
    assertEquals(List.of("a", "b/"), listAll("t/"));
    driver.delete("t/a", Precondition.NONE);
    assertEquals(List.of("b/"), listAll("t/"));
    driver.putSmall("t/b/d", bytes("d"), Precondition.NONE);
    driver.delete("t/b/c", Precondition.NONE);
    assertEquals(List.of("b/"), listAll("t/"), "b/ still holds d");
    driver.delete("t/b/d", Precondition.NONE);
    assertEquals(List.of(), listAll("t/"));
  }

  @Test
  void keysWithDotSegmentsAreOrdinaryKeys() {
    // Only "." and ".." are refused; other names starting with a dot are keys like any other.
    for (String k : List.of(".hidden", "x/.config", "x/..double", "x/...", "x/.d/y")) {
      driver.putSmall(k, bytes(k), Precondition.NONE);
      assertEquals(k, text(k));
    }
    assertEquals(List.of(".hidden", "x/"), listAll(""));
    assertEquals(List.of("...", "..double", ".config", ".d/"), listAll("x/"));
    assertTrue(driver.delete("x/.config", Precondition.NONE));
    driver.deleteAll("x/.d/");
    assertEquals(List.of("...", "..double"), listAll("x/"));
  }

  @Test
  void unusualButValidKeysRoundTrip() {
    String longSegment = "s".repeat(200);
    // "u/" + longKey is 1024 characters, the longest key there is; no segment is longer than 255.
    String longKey = String.join("/", longSegment, longSegment, longSegment, longSegment, "t".repeat(218));
    assertEquals(1024, ("u/" + longKey).length());
    List<String> keys = List.of("a..b", "with space", "x:y", "%2e%2e", "~", "a=b&c", "tag_v1.0-rc.1", "sha256:abc", "UPPER", longKey);
    for (String k : keys) {
      driver.putSmall("u/" + k, bytes(k), Precondition.NONE);
      assertEquals(k, text("u/" + k), k);
    }
    Set<String> expected = new TreeSet<>();
    for (String k : keys) {
      int slash = k.indexOf('/');
      expected.add(slash < 0 ? k : k.substring(0, slash + 1));
    }
    assertEquals(new ArrayList<>(expected), listAll("u/"));
  }

  // ---------------------------------------------------------------------------------------------
  // delete

  @Test
  void deleteRemovesTheObject() {
    driver.putSmall("k", bytes("v"), Precondition.NONE);
    assertTrue(driver.delete("k", Precondition.NONE));
    assertTrue(driver.stat("k").isEmpty());
    assertTrue(driver.getSmall("k").isEmpty());
    assertFalse(driver.delete("k", Precondition.NONE), "a second delete finds nothing");
  }

  @Test
  void deleteOfAMissingKeyReturnsFalse() {
    assertFalse(driver.delete("missing", Precondition.NONE));
    assertFalse(driver.delete("missing/deep/key", Precondition.NONE));
  }

  @Test
  void conditionalDelete() {
    String stale = driver.putSmall("k", bytes("v1"), Precondition.NONE);
    String current = driver.putSmall("k", bytes("v2"), Precondition.NONE);
    assertThrows(PreconditionFailedException.class, () -> driver.delete("k", Precondition.ifMatch(stale)));
    assertEquals("v2", text("k"));
    assertTrue(driver.delete("k", Precondition.ifMatch(current)));
    assertTrue(driver.stat("k").isEmpty());
    // On a missing object the delete finds nothing (object stores answer 404 before 412).
    assertFalse(driver.delete("k", Precondition.ifMatch(current)));
  }

  @Test
  void deleteIfAbsentIsRefusedAndDeletesNothing() {
    driver.putSmall("k", bytes("v"), Precondition.NONE);
    assertThrows(IllegalArgumentException.class, () -> driver.delete("k", Precondition.IF_ABSENT));
    assertEquals("v", text("k"));
  }

  @Test
  void conditionalDeleteRaceHasOneWinner() throws Exception {
    for (int round = 0; round < 10; round++) {
      String key = "cd/" + round;
      String etag = driver.putSmall(key, bytes("v"), Precondition.NONE);
      CyclicBarrier go = new CyclicBarrier(8);
      List<Future<Object>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(pool.submit(() -> {
          go.await(30, TimeUnit.SECONDS);
          return attempt(() -> driver.delete(key, Precondition.ifMatch(etag)));
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
      assertTrue(driver.stat(key).isEmpty());
    }
  }

  @Test
  void deleteAllRemovesEverythingBelowAndNothingBeside() {
    List<String> below = List.of("a/1", "a/b/2", "a/b/c/3", "a/b/c/d/e/4", "a/.dot");
    List<String> beside = List.of("ab/1", "a-b", "a0/x", "b/a/1", "x/a/1", "aa");
    for (String k : below) {
      driver.putSmall(k, bytes(k), Precondition.NONE);
    }
    for (String k : beside) {
      driver.putSmall(k, bytes(k), Precondition.NONE);
    }
    driver.append("a/upload/data", 0, in(data(13, 100_000)));
    driver.deleteAll("a/");
    for (String k : below) {
      assertTrue(driver.stat(k).isEmpty(), k + " survived");
    }
    assertTrue(driver.stat("a/upload/data").isEmpty());
    for (String k : beside) {
      assertEquals(k, text(k), k + " was deleted");
    }
    assertEquals(List.of("a-b", "a0/", "aa", "ab/", "b/", "x/"), listAll(""));
    assertEquals(List.of(), listAll("a/"));
  }

  @Test
  void deleteAllOfADeeperPrefix() {
    driver.putSmall("r/s/t/1", bytes("1"), Precondition.NONE);
    driver.putSmall("r/s/t/u/2", bytes("2"), Precondition.NONE);
    driver.putSmall("r/s/keep", bytes("k"), Precondition.NONE);
    driver.putSmall("r/s/tt/keep", bytes("k"), Precondition.NONE);
    driver.deleteAll("r/s/t/");
    assertEquals(List.of("keep", "tt/"), listAll("r/s/"));
    driver.deleteAll("r/s/tt/");
    driver.delete("r/s/keep", Precondition.NONE);
    assertEquals(List.of(), listAll(""));
  }

  @Test
  void deleteAllOfAMissingPrefixDoesNothing() {
    driver.putSmall("k", bytes("v"), Precondition.NONE);
    driver.deleteAll("nothing/");
    driver.deleteAll("nothing/deeper/");
    assertEquals(List.of("k"), listAll(""));
  }

  @Test
  void deleteAllOfManyKeys() throws Exception {
    List<Callable<Object>> writes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String key = "m/" + (i % 7) + "/" + (i % 3) + "/k" + i;
      writes.add(() -> driver.putSmall(key, bytes(key), Precondition.NONE));
    }
    for (Future<Object> f : pool.invokeAll(writes)) {
      f.get();
    }
    driver.putSmall("m2/k", bytes("v"), Precondition.NONE);
    driver.deleteAll("m/");
    assertEquals(List.of("m2/"), listAll(""));
  }

  // ---------------------------------------------------------------------------------------------
  // keys

  /** Keys no driver may accept: they are absolute, empty or traverse, or are not keys at all. */
  static final List<String> INVALID_KEYS = List.of(
      "", "/abs", "/", "../x", "..", ".", "a/..", "a/../b", "a/../../etc/passwd", "a//b", "a/./b", "./a",
      "a\\b", "..\\x", "a/\u0000", "a\nb", "a\rb", "tab\there", "del\u007f", "a/", "a//", "x".repeat(1025));

  /** Prefixes no driver may accept. */
  static final List<String> INVALID_PREFIXES = List.of(
      "/", "/abs/", "../", "a/../", "./", "a/./", "a//", "//", "a\\b/", "a\u0001/", "no-slash", "a/b", "valid//");

  @Test
  void invalidKeysAreRefusedByEveryMethod() {
    driver.putSmall("valid/upload", bytes("x"), Precondition.NONE);
    driver.putSmall("valid/key", bytes("y"), Precondition.NONE);
    List<String> keys = new ArrayList<>(INVALID_KEYS);
    keys.add(null);
    for (String bad : keys) {
      String what = bad == null ? "null" : "'" + bad.replace("\u0000", "\\0") + "'";
      invalid(what, () -> driver.getSmall(bad));
      invalid(what, () -> driver.putSmall(bad, bytes("x"), Precondition.NONE));
      invalid(what, () -> driver.putSmall(bad, bytes("x"), Precondition.IF_ABSENT));
      invalid(what, () -> driver.putSmall(bad, bytes("x"), Precondition.ifMatch("e")));
      invalid(what, () -> driver.stat(bad));
      invalid(what, () -> driver.read(bad, 0, -1));
      invalid(what, () -> driver.append(bad, 0, in(bytes("x"))));
      invalid(what, () -> driver.commit(bad, "valid/target"));
      invalid(what, () -> driver.commit("valid/upload", bad));
      invalid(what, () -> driver.delete(bad, Precondition.NONE));
      invalid(what, () -> driver.delete(bad, Precondition.ifMatch("e")));
      try {
        Optional<?> url = driver.redirectUrl(bad, Duration.ofMinutes(1));
        assertTrue(url.isEmpty(), "redirectUrl signed " + what);
      } catch (InvalidKeyException e) {
        // refusing is fine too
      }
    }
    List<String> prefixes = new ArrayList<>(INVALID_PREFIXES);
    prefixes.add(null);
    for (String bad : prefixes) {
      String what = bad == null ? "null" : "'" + bad + "'";
      invalid(what, () -> driver.list(bad, null, 10));
      invalid(what, () -> driver.deleteAll(bad));
    }
    // Nothing was written, moved or deleted.
    assertEquals(List.of("key", "upload"), listAll("valid/"));
    assertEquals(List.of("valid/"), listAll(""));
    assertEquals("x", text("valid/upload"));
  }

  private static void invalid(String what, Executable call) {
    assertThrows(InvalidKeyException.class, call, what);
  }

  // ---------------------------------------------------------------------------------------------
  // other

  @Test
  void pingSucceeds() {
    driver.ping();
  }

  @Test
  void hasAName() {
    assertNotNull(driver.name());
    assertFalse(driver.name().isBlank());
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  protected static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code n} pseudo-random bytes, the same for the same seed. */
  protected static byte[] data(long seed, int n) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  protected static InputStream in(byte[] b) {
    return new ByteArrayInputStream(b);
  }

  protected static byte[] slice(byte[] b, int off, int len) {
    return Arrays.copyOfRange(b, off, off + len);
  }

  protected static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  protected byte[] small(String key) {
    return driver.getSmall(key).orElseThrow(() -> new AssertionError("no object at " + key)).data();
  }

  protected String text(String key) {
    return new String(small(key), StandardCharsets.UTF_8);
  }

  protected long size(String key) {
    return driver.stat(key).orElseThrow(() -> new AssertionError("no object at " + key)).size();
  }

  /** Reads content whole, checking the stream holds exactly {@link Content#length()} bytes. */
  protected static byte[] readAll(Content c) {
    try (InputStream s = c.openStream()) {
      byte[] b = s.readAllBytes();
      assertEquals(c.length(), b.length, "the stream must hold exactly length() bytes");
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every entry under the prefix, paging with {@code pageSize}. */
  protected List<String> listAll(String prefix, int pageSize) {
    List<String> all = new ArrayList<>();
    String after = null;
    while (true) {
      ListPage page = driver.list(prefix, after, pageSize);
      assertTrue(page.names().size() <= pageSize, "page larger than its limit");
      all.addAll(page.names());
      if (!page.truncated()) {
        return all;
      }
      assertFalse(page.names().isEmpty(), "a truncated page must name where to go on");
      after = page.names().get(page.names().size() - 1);
    }
  }

  protected List<String> listAll(String prefix) {
    return listAll(prefix, 1000);
  }

  /** Runs a call and returns its result, or the exception it threw. */
  protected static Object attempt(Callable<?> call) {
    try {
      return call.call();
    } catch (Exception e) {
      return e;
    }
  }

  private static void assertStreamEquals(InputStream expected, InputStream actual, long length) throws IOException {
    byte[] e = new byte[64 * 1024];
    byte[] a = new byte[64 * 1024];
    long pos = 0;
    while (pos < length) {
      int n = (int) Math.min(e.length, length - pos);
      int got = actual.readNBytes(a, 0, n);
      assertEquals(n, expected.readNBytes(e, 0, n));
      if (got != n) {
        fail("stream ended at " + (pos + got) + " of " + length);
      }
      if (!Arrays.equals(e, 0, n, a, 0, n)) {
        int i = Arrays.mismatch(Arrays.copyOf(e, n), Arrays.copyOf(a, n));
        fail("content differs at byte " + (pos + i));
      }
      pos += n;
    }
    assertEquals(-1, actual.read(), "the stream holds more than " + length + " bytes");
  }

  /** Hands out its bytes in small pieces, yielding between them, so racing writers overlap. */
  private static final class TrickleStream extends InputStream {
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
