package dev.berth.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/** Test data and stream helpers for the driver contract and the drivers' own tests. */
public final class ContractData {
  private ContractData() {}

  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code n} pseudo-random bytes, the same for the same seed. */
  public static byte[] data(long seed, int n) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  public static InputStream in(byte[] b) {
    return new ByteArrayInputStream(b);
  }

  public static byte[] slice(byte[] b, int off, int len) {
    return Arrays.copyOfRange(b, off, off + len);
  }

  public static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** Reads content whole, checking the stream holds exactly {@link Content#length()} bytes. */
  public static byte[] readAll(Content c) {
    try (InputStream s = c.openStream()) {
      byte[] b = s.readAllBytes();
      assertEquals(c.length(), b.length, "the stream must hold exactly length() bytes");
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a call and returns its result, or the exception it threw. */
  public static Object attempt(Callable<?> call) {
    try {
      return call.call();
    } catch (Exception e) {
      return e;
    }
  }

  public static void assertStreamEquals(InputStream expected, InputStream actual, long length) throws IOException {
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
}
