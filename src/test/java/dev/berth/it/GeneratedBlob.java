package dev.berth.it;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Blob content for integration tests that is never held in memory: an endless deterministic byte
 * sequence made of 64 KiB blocks, each derived from (seed, block number), so any range of it can
 * be streamed again cheaply.
 */
public final class GeneratedBlob {
  private static final int BLOCK = 64 * 1024;
  private final long seed;
  private final long size;

  GeneratedBlob(long seed, long size) {
    this.seed = seed;
    this.size = size;
  }

  long size() {
    return size;
  }

  /** The whole blob. */
  InputStream open() {
    return open(0, size);
  }

  /** {@code length} bytes from {@code offset}. */
  InputStream open(long offset, long length) {
    return stream(seed, offset, Math.min(length, size - offset));
  }

  /** {@code length} bytes of the endless sequence of {@code seed}, from {@code offset}. */
  public static InputStream stream(long seed, long offset, long length) {
    return new Stream(seed, offset, length);
  }

  /** The blob's digest, computed by generating it (no I/O). */
  String digest() throws IOException {
    MessageDigest md = sha256();
    try (InputStream in = open()) {
      byte[] buf = new byte[BLOCK];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return digest(md);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String digest(MessageDigest md) {
    return "sha256:" + HexFormat.of().formatHex(md.digest());
  }

  /** Reads a stream to its end; returns {digest, length}. */
  static Object[] digestOf(InputStream in) throws IOException {
    MessageDigest md = sha256();
    byte[] buf = new byte[256 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      md.update(buf, 0, n);
      total += n;
    }
    return new Object[] {digest(md), total};
  }

  private static final class Stream extends InputStream {
    private final byte[] block = new byte[BLOCK];
    private final long seed;
    private long blockIndex = -1;
    private long pos;
    private final long end;

    Stream(long seed, long offset, long length) {
      this.seed = seed;
      this.pos = offset;
      this.end = offset + length;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (pos >= end) {
        return -1;
      }
      long index = pos / BLOCK;
      if (index != blockIndex) {
        new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index).nextBytes(block);
        blockIndex = index;
      }
      int inBlock = (int) (pos % BLOCK);
      int n = (int) Math.min(Math.min(len, BLOCK - inBlock), end - pos);
      System.arraycopy(block, inBlock, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public long skip(long n) {
      long k = Math.max(0, Math.min(n, end - pos));
      pos += k;
      return k;
    }

    @Override
    public int available() {
      return (int) Math.min(Integer.MAX_VALUE, end - pos);
    }
  }
}
