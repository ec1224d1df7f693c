package dev.berth.storage.filesystem;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes one append's bytes to disk behind the thread that receives and hashes them, so that
 * receiving, hashing and writing overlap instead of taking turns.
 *
 * <p>With a {@code direct} channel (O_DIRECT), whole aligned blocks go from an aligned buffer
 * straight to the device: no copy into the page cache, which on this kind of VM costs more CPU
 * than SHA-256, and {@link #finish}'s fdatasync finds only the file's size left to make durable.
 * That makes every append durable when it returns (a PATCH's 202 means its bytes survive a
 * crash) for about the cost of one journal commit. The unaligned head (up to the next block
 * boundary) and tail (after the last whole block) go through the buffered channel; the kernel
 * keeps the two views of the file coherent. Without a direct channel everything is buffered.
 *
 * <p>Memory: two buffers of {@link #BUFFER} bytes per append in progress, pooled.
 */
final class DiskWriter {
  static final int BUFFER = 1 << 20;
  /** Buffer address alignment: a multiple of every block size O_DIRECT asks for. */
  private static final int ADDRESS_ALIGN = 64 << 10;
  private static final int POOL_MAX = 16;
  /** Without O_DIRECT: start flushing the page cache every this many bytes (see {@link WriteBehind}). */
  private static final long WRITE_BEHIND = 16L << 20;
  private static final ConcurrentLinkedQueue<ByteBuffer> POOL = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService WRITERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "berth-disk-writer-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  private final FileChannel buffered;
  private final FileChannel direct;
  /** Where whole buffers go: the O_DIRECT channel when there is one. */
  private final FileChannel bulk;
  private final int block;
  private final WriteBehind writeBehind;
  private ByteBuffer filling = take();
  private ByteBuffer spare = take();
  /** File position of {@code filling}'s first byte. */
  private long pos;
  private long sinceFlush;
  private Future<?> inFlight;

  /**
   * @param direct an O_DIRECT channel on the same file, or null
   * @param block the alignment O_DIRECT needs for positions and lengths (a power of two)
   */
  DiskWriter(FileChannel buffered, FileChannel direct, int block, long offset, WriteBehind writeBehind) {
    this.buffered = buffered;
    this.direct = direct;
    this.bulk = direct != null ? direct : buffered;
    this.block = block;
    this.pos = offset;
    this.writeBehind = writeBehind;
  }

  void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (direct != null && filling.position() == 0 && pos % block != 0) {
        int head = (int) Math.min(len, block - pos % block);
        writeFully(buffered, ByteBuffer.wrap(b, off, head), pos);
        pos += head;
        off += head;
        len -= head;
        continue;
      }
      int n = Math.min(len, filling.remaining());
      filling.put(b, off, n);
      off += n;
      len -= n;
      if (!filling.hasRemaining()) {
        hand(filling.capacity());
      }
    }
  }

  /** Writes what is left, waits for every write and makes the bytes durable. */
  void finish() throws IOException {
    await();
    int n = filling.position();
    int whole = direct != null ? n - n % block : n;
    filling.flip();
    if (whole > 0) {
      writeFully(bulk, filling.duplicate().limit(whole), pos);
    }
    if (whole < n) {
      writeFully(buffered, filling.duplicate().position(whole), pos + whole);
    }
    pos += n;
    filling.clear();
    buffered.force(false);
  }

  /** Returns the buffers to the pool; waits for a write still running so none is reused under it. */
  void release() {
    try {
      await();
    } catch (IOException e) {
      // the append already failed; its error is the one reported
    }
    give(filling);
    give(spare);
    filling = spare = null;
  }

  /** Starts writing the first {@code n} bytes of {@code filling} and swaps in the spare buffer. */
  private void hand(int n) throws IOException {
    await();
    ByteBuffer out = filling;
    out.flip().limit(n);
    long at = pos;
    inFlight = WRITERS.submit(() -> {
      writeFully(bulk, out, at);
      return null;
    });
    pos += n;
    sinceFlush += n;
    filling = spare;
    filling.clear();
    spare = out;
    if (direct == null && sinceFlush >= WRITE_BEHIND) {
      sinceFlush = 0;
      writeBehind.start(buffered); // starts flushing buffered bytes early, never waits
    }
  }

  private void await() throws IOException {
    Future<?> f = inFlight;
    inFlight = null;
    if (f == null) {
      return;
    }
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing an upload");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer src, long at) throws IOException {
    while (src.hasRemaining()) {
      at += ch.write(src, at);
    }
  }

  private static ByteBuffer take() {
    ByteBuffer b = POOL.poll();
    return b != null ? b.clear() : ByteBuffer.allocateDirect(BUFFER + ADDRESS_ALIGN).alignedSlice(ADDRESS_ALIGN).limit(BUFFER).slice();
  }

  private static void give(ByteBuffer b) {
    if (b != null && POOL.size() < POOL_MAX) {
      POOL.offer(b);
    }
  }
}
