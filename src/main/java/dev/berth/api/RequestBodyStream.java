package dev.berth.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;

/**
 * A request body as a blocking stream for a worker thread, fed by the event loop. Unlike a
 * one-buffer hand-off it queues up to {@link #HIGH_WATER} bytes before pausing the connection and
 * wakes the reader only when it waits, so reading a layer costs a few thread switches per
 * megabyte rather than one per network buffer. Memory stays bounded by the high-water mark.
 */
final class RequestBodyStream extends InputStream {
  static final int HIGH_WATER = 1 << 20;
  static final int LOW_WATER = 256 << 10;

  private final HttpServerRequest request;
  private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
  private int headOffset;
  private long queued;
  private boolean paused;
  private boolean ended;
  private boolean waiting;
  private Throwable failure;

  /** Must be called on the request's event loop, before any body arrives. */
  RequestBodyStream(HttpServerRequest request) {
    this.request = request;
    request.pause();
    paused = true;
    request.handler(this::onData);
    request.endHandler(v -> onEnd(null));
    request.exceptionHandler(this::onEnd);
  }

  private synchronized void onData(Buffer b) {
    if (b.length() == 0) {
      return;
    }
    queue.add(b);
    queued += b.length();
    if (queued >= HIGH_WATER && !paused) {
      paused = true;
      request.pause();
    }
    if (waiting) {
      notifyAll();
    }
  }

  private synchronized void onEnd(Throwable t) {
    if (t != null && failure == null) {
      failure = t;
    }
    ended = true;
    notifyAll();
  }

  /** Whether the whole body has arrived (or the request failed). */
  synchronized boolean ended() {
    return ended;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public synchronized int read(byte[] dst, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (queue.isEmpty()) {
      if (failure != null) {
        throw new IOException("request body failed: " + failure.getMessage(), failure);
      }
      if (ended) {
        return -1;
      }
      if (paused) {
        paused = false;
        request.resume();
      }
      waiting = true;
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading the request body");
      } finally {
        waiting = false;
      }
    }
    int copied = 0;
    while (copied < len && !queue.isEmpty()) {
      Buffer head = queue.peek();
      int n = Math.min(len - copied, head.length() - headOffset);
      head.getBytes(headOffset, headOffset + n, dst, off + copied);
      copied += n;
      headOffset += n;
      if (headOffset == head.length()) {
        queue.poll();
        headOffset = 0;
      }
    }
    queued -= copied;
    if (paused && queued <= LOW_WATER && !ended) {
      paused = false;
      request.resume();
    }
    return copied;
  }

  @Override
  public synchronized int available() {
    return (int) Math.min(Integer.MAX_VALUE, queued);
  }
}
