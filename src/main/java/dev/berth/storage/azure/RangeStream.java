package dev.berth.storage.azure;

import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import dev.berth.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * A byte range of a blob read as ranged GETs of {@code rangeSize}, up to {@code parallelism} at
 * once, handed out in order. At most {@code parallelism} range buffers exist (the one being read
 * counts): the next range is requested only when the reader has finished one. A failed range
 * surfaces from {@link #read} as the driver's {@link StorageException}; {@link #close} (the client
 * went away) cancels the fetches still running.
 */
final class RangeStream extends InputStream {
  private final BlockBlobClient blob;
  private final BlobRequestConditions conditions;
  private final Duration timeout;
  private final ExecutorService io;
  private final UnaryOperator<RuntimeException> failures;
  private final long end;
  private final int rangeSize;
  private final int parallelism;
  private final ArrayDeque<Future<byte[]>> ahead = new ArrayDeque<>();
  private long nextRange;
  private byte[] current;
  private int pos;
  private volatile boolean closed;

  /** {@code failures} turns an SDK failure into what the driver throws. Starts fetching at once. */
  RangeStream(BlockBlobClient blob, BlobRequestConditions conditions, Duration timeout, ExecutorService io,
      UnaryOperator<RuntimeException> failures, long offset, long length, int rangeSize, int parallelism) {
    this.blob = blob;
    this.conditions = conditions;
    this.timeout = timeout;
    this.io = io;
    this.failures = failures;
    this.end = offset + length;
    this.rangeSize = rangeSize;
    this.parallelism = parallelism;
    this.nextRange = offset;
    requestAhead();
  }

  private void requestAhead() {
    while (!closed && nextRange < end && ahead.size() + (current == null ? 0 : 1) < parallelism) {
      long from = nextRange;
      int len = (int) Math.min(rangeSize, end - from);
      nextRange += len;
      ahead.add(io.submit(() -> fetch(from, len)));
    }
  }

  private byte[] fetch(long from, int len) {
    byte[] buf = new byte[len];
    Sink sink = new Sink(buf);
    blob.downloadStreamWithResponse(sink, new BlobRange(from, (long) len), null, conditions, false, timeout, Context.NONE);
    if (sink.count != len) {
      throw new StorageException("short read of " + blob.getBlobName() + " at " + from + ": " + sink.count + " of " + len + " bytes");
    }
    return buf;
  }

  /** The next range's bytes, or false at the end. */
  private boolean advance() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    if (current != null && pos < current.length) {
      return true;
    }
    current = null;
    requestAhead();
    Future<byte[]> next = ahead.poll();
    if (next == null) {
      return false;
    }
    try {
      current = next.get();
      pos = 0;
      requestAhead();
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new StorageException("interrupted while reading " + blob.getBlobName());
    } catch (CancellationException e) {
      throw new IOException("stream closed");
    } catch (ExecutionException e) {
      close(); // the ranges after a failed one are of no use
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw failures.apply(r);
      }
      throw new StorageException("reading " + blob.getBlobName() + " failed (" + AzureFailures.summary(cause) + ")");
    }
  }

  @Override
  public int read() throws IOException {
    return advance() ? current[pos++] & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!advance()) {
      return -1;
    }
    int n = Math.min(len, current.length - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public long transferTo(OutputStream out) throws IOException {
    long total = 0;
    while (advance()) {
      int n = current.length - pos;
      out.write(current, pos, n);
      pos += n;
      total += n;
    }
    return total;
  }

  @Override
  public int available() {
    return current == null ? 0 : current.length - pos;
  }

  /** Stops the fetches still running: they are interrupted, and one still receiving bytes fails at its next write. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    current = null;
    for (Future<byte[]> f : ahead) {
      f.cancel(true);
    }
    ahead.clear();
  }

  /** Receives one range into its buffer; refuses bytes once the stream is closed, so a cancelled download stops. */
  private final class Sink extends OutputStream {
    private final byte[] buf;
    private int count;

    Sink(byte[] buf) {
      this.buf = buf;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (closed) {
        throw new IOException("reading " + blob.getBlobName() + " was cancelled");
      }
      if (len > buf.length - count) {
        throw new IOException("storage sent more than the " + buf.length + " bytes asked for");
      }
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }
  }
}
