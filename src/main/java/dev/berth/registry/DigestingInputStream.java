package dev.berth.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Feeds every byte read through a digest (when one is given) and counts them. */
final class DigestingInputStream extends FilterInputStream {
  private final MessageDigest digest;
  private long count;

  DigestingInputStream(InputStream in, MessageDigest digest) {
    super(in);
    this.digest = digest;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      if (digest != null) {
        digest.update((byte) b);
      }
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      if (digest != null) {
        digest.update(b, off, n);
      }
      count += n;
    }
    return n;
  }

  @Override
  public long skip(long n) {
    return 0; // every byte must pass through the digest
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  long count() {
    return count;
  }
}
