package dev.berth.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Request data that stops at its first read until the test lets it go: an append is then
 * provably in progress (it has started reading) while the test does something else.
 */
public final class HeldStream extends InputStream {
  private final InputStream data;
  private final CountDownLatch reading = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private boolean first = true;

  public HeldStream(byte[] data) {
    this.data = new ByteArrayInputStream(data);
  }

  /** Waits until a reader is inside the first read. */
  public boolean awaitReading(long seconds) throws InterruptedException {
    return reading.await(seconds, TimeUnit.SECONDS);
  }

  /** Lets the reader go on. */
  public void release() {
    release.countDown();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (first) {
      first = false;
      reading.countDown();
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
    }
    return data.read(b, off, len);
  }
}
