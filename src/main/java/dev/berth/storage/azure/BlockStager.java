package dev.berth.storage.azure;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import dev.berth.storage.StorageException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Stages the blocks of one append with at most {@code parallelism} Put Block requests in flight.
 * Memory is bounded by the buffers: at most {@code parallelism} of {@code blockSize} exist, and the
 * caller fills the next one only when a staged block has given its buffer back. Block ids are
 * derived from offsets, so the caller knows the block list's order without waiting.
 */
final class BlockStager {
  private final BlockBlobClient blob;
  private final String nonce;
  private final Duration timeout;
  private final ExecutorService io;
  private final int blockSize;
  private final int parallelism;
  private final BlockingQueue<byte[]> free;
  private final List<Future<?>> staged = new ArrayList<>();
  private int allocated;
  private volatile RuntimeException failure;

  BlockStager(BlockBlobClient blob, String nonce, Duration timeout, ExecutorService io, int blockSize, int parallelism) {
    this.blob = blob;
    this.nonce = nonce;
    this.timeout = timeout;
    this.io = io;
    this.blockSize = blockSize;
    this.parallelism = parallelism;
    this.free = new ArrayBlockingQueue<>(parallelism);
  }

  /** A buffer to fill: a new one while fewer than {@code parallelism} exist, else the next one a staged block frees. */
  byte[] buffer() {
    failIfStagingFailed();
    if (allocated < parallelism && free.isEmpty()) {
      allocated++;
      return new byte[blockSize];
    }
    try {
      byte[] b = free.take();
      failIfStagingFailed();
      return b;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while staging blocks of " + blob.getBlobName());
    }
  }

  /** Starts staging {@code len} bytes of {@code buf} at {@code offset} and returns the block's id; the buffer comes back once it is staged. */
  String stage(long offset, byte[] buf, int len) {
    String id = AzureUploads.blockId(offset, nonce);
    staged.add(io.submit(() -> {
      try {
        if (failure == null) {
          // The SDK retries with the same id and bytes: a retried block replaces itself.
          blob.stageBlockWithResponse(new BlockBlobStageBlockOptions(id, BinaryData.fromByteBuffer(ByteBuffer.wrap(buf, 0, len))),
              timeout, Context.NONE);
        }
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        }
      } finally {
        free.add(buf);
      }
    }));
    return id;
  }

  /** Waits until every block started is staged (or failed); throws the first staging failure. */
  void finish() {
    awaitAll();
    failIfStagingFailed();
  }

  /**
   * Waits for every block started, keeping the failure the caller is already throwing: the append
   * never returns while one of its Put Blocks is still in flight.
   */
  void awaitAll() {
    boolean interrupted = false;
    for (Future<?> f : staged) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // a staged block is never abandoned: wait on, then restore the flag
        } catch (ExecutionException e) {
          break; // the task catches everything; only an Error would land here
        }
      }
    }
    staged.clear();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void failIfStagingFailed() {
    RuntimeException f = failure;
    if (f != null) {
      throw f;
    }
  }
}
