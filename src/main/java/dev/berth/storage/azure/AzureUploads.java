package dev.berth.storage.azure;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import dev.berth.storage.InputFailedException;
import dev.berth.storage.InvalidOffsetException;
import dev.berth.storage.ObjectNotFoundException;
import dev.berth.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Uploads as block blobs (see {@link AzureBlobDriver}): Put Block + a conditional Put Block List
 * per append, the short last block re-staged with the next bytes, and a commit that writes a
 * pointer instead of copying.
 */
final class AzureUploads {
  private final Blobs blobs;
  private final int blockSize;
  private final int parallelism;

  AzureUploads(Blobs blobs, int blockSize, int parallelism) {
    this.blobs = blobs;
    this.blockSize = blockSize;
    this.parallelism = parallelism;
  }

  /**
   * Appends the stream: its blocks are staged with up to {@code parallelism} in flight, and the
   * block list is committed, in offset order, only once every one of them is staged, so the
   * returned size is bytes durably in the blob and an append never returns with a Put Block in
   * flight. The stream itself is read on the caller's thread (the caller digests it as it reads).
   */
  long append(String key, long offset, InputStream data) {
    String name = blobs.name(key);
    BlockBlobClient b = blobs.blob(name);
    BlobProperties p = blobs.properties(name);
    long size = p == null ? 0 : p.getBlobSize();
    if (size != offset) {
      throw new InvalidOffsetException(key, offset, size);
    }
    BlockStager stager = new BlockStager(b, AzureBlobDriver.nonce(), blobs.timeout, blobs.io, blockSize, parallelism);
    List<String> ids = new ArrayList<>();
    byte[] buf = stager.buffer();
    int filled = 0;
    long blockStart = size;
    long received = 0;
    try {
      if (p != null && size > 0) {
        List<Block> committed = b.listBlocks(BlockListType.COMMITTED).getCommittedBlocks();
        long pos = 0;
        for (Block blk : committed) {
          ids.add(blk.getName());
          pos += blk.getSizeLong();
        }
        Block last = committed.isEmpty() ? null : committed.get(committed.size() - 1);
        if (last != null && last.getSizeLong() < blockSize) {
          // Coalesce: the short last block is re-staged together with the new bytes.
          blockStart = pos - last.getSizeLong();
          filled = (int) last.getSizeLong();
          readFully(b, blockStart, buf, filled, p.getETag());
          ids.remove(ids.size() - 1);
        }
      }
      while (true) {
        int want = buf.length - filled;
        int n = readInput(data, buf, filled, want);
        filled += n;
        received += n;
        if (filled == buf.length) {
          ids.add(stager.stage(blockStart, buf, filled));
          blockStart += filled;
          filled = 0;
          buf = null;
        }
        if (n < want) {
          break; // end of the body
        }
        if (buf == null) {
          buf = stager.buffer(); // waits while parallelism blocks are in flight
        }
      }
      if (received == 0 && p != null) {
        return size; // nothing new: the committed blob already says it all
      }
      if (filled > 0) {
        ids.add(stager.stage(blockStart, buf, filled));
      }
      stager.finish();
    } finally {
      stager.awaitAll();
    }
    BlobRequestConditions cond = p == null
        ? new BlobRequestConditions().setIfNoneMatch("*")
        : new BlobRequestConditions().setIfMatch(p.getETag());
    try {
      b.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(ids).setRequestConditions(cond), blobs.timeout, Context.NONE);
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 412 || e.getStatusCode() == 409) {
        // Another writer committed first: its blocks win, ours are discarded by the service.
        BlobProperties now = blobs.properties(name);
        throw new InvalidOffsetException(key, offset, now == null ? 0 : now.getBlobSize());
      }
      throw e;
    }
    return size + received;
  }

  static String blockId(long offset, String nonce) {
    String raw = String.format("%016x-%s", offset, nonce);
    return Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
  }

  private static int readInput(InputStream data, byte[] buf, int off, int len) {
    try {
      return data.readNBytes(buf, off, len);
    } catch (IOException e) {
      throw new InputFailedException(e);
    }
  }

  private static void readFully(BlockBlobClient b, long from, byte[] buf, int len, String etag) {
    try (InputStream in = b.openInputStream(new BlobInputStreamOptions()
        .setRange(new BlobRange(from, (long) len))
        .setRequestConditions(new BlobRequestConditions().setIfMatch(etag)))) {
      int got = in.readNBytes(buf, 0, len);
      if (got != len) {
        throw new StorageException("short read of the last block of " + b.getBlobName());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Marks the upload's bytes committed, so no later append lands. An append that was already in
   * flight may commit its blocks first (412 here): its bytes lie past the size the pointer holds,
   * so only the mark is retried, on the new version.
   */
  private void markCommitted(String from, BlobProperties p) {
    for (int attempt = 1; ; attempt++) {
      Map<String, String> marked = new LinkedHashMap<>(p.getMetadata() == null ? Map.of() : p.getMetadata());
      marked.put(Blobs.META_COMMITTED, "1");
      try {
        blobs.blob(from).setMetadataWithResponse(marked, new BlobRequestConditions().setIfMatch(p.getETag()), blobs.timeout, Context.NONE);
        return;
      } catch (BlobStorageException e) {
        BlobProperties now = e.getStatusCode() == 412 && attempt < 5 ? blobs.properties(from) : null;
        if (now == null) {
          throw e;
        }
        p = now;
      }
    }
  }

  /** Writes a pointer at {@code key} to the upload's bytes and marks the upload committed. */
  void commit(String uploadKey, String key) {
    String from = blobs.name(uploadKey);
    String to = blobs.name(key);
    BlobProperties p = blobs.properties(from);
    if (p == null) {
      throw new ObjectNotFoundException(uploadKey);
    }
    Map<String, String> pointer = new LinkedHashMap<>();
    pointer.put(Blobs.META_DATA, Blobs.dataBlob(from, p));
    pointer.put(Blobs.META_SIZE, Long.toString(Blobs.sizeOf(p)));
    BlobProperties old = blobs.properties(to);
    blobs.blob(to).uploadWithResponse(new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(new byte[0])).setMetadata(pointer), blobs.timeout, Context.NONE);
    markCommitted(from, p);
    String replaced = old == null ? to : Blobs.dataBlob(to, old);
    if (!replaced.equals(to) && !replaced.equals(Blobs.dataBlob(from, p))) {
      blobs.deleteQuietly(replaced); // the replaced object's bytes
    }
  }
}
