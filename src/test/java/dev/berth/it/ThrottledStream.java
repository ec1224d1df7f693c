package dev.berth.it;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/** Passes {@code piece} bytes, then pauses {@code pauseMillis}; counts what it handed out. */
public final class ThrottledStream extends InputStream {
  private final InputStream in;
  private final AtomicLong sent;
  private final int piece;
  private final long pauseMillis;
  private long sinceLastPause;

  public ThrottledStream(InputStream in, AtomicLong sent, int piece, long pauseMillis) {
    this.in = in;
    this.sent = sent;
    this.piece = piece;
    this.pauseMillis = pauseMillis;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (sinceLastPause >= piece) {
      try {
        Thread.sleep(pauseMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      sinceLastPause = 0;
    }
    int n = in.read(b, off, (int) Math.min(len, piece - sinceLastPause));
    if (n > 0) {
      sinceLastPause += n;
      sent.addAndGet(n);
    }
    return n;
  }
}
