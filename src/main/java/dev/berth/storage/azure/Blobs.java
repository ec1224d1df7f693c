package dev.berth.storage.azure;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.specialized.BlockBlobClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/** The container and the blob-level steps the driver's parts share: names, properties, pointers. */
final class Blobs {
  /** A pointer blob's metadata: the blob holding its bytes, and their size. */
  static final String META_DATA = "berthdata";
  static final String META_SIZE = "berthsize";
  /** An upload blob that was committed: its bytes belong to the pointer now. */
  static final String META_COMMITTED = "berthcommitted";

  final BlobContainerClient container;
  final String root;
  /** The budget of one driver call, retries included. */
  final Duration timeout;
  /** Runs parallel block stages and range reads; each operation bounds its own share. */
  final ExecutorService io;

  Blobs(BlobContainerClient container, String root, Duration timeout, ExecutorService io) {
    this.container = container;
    this.root = root;
    this.timeout = timeout;
    this.io = io;
  }

  String name(String key) {
    return root + key;
  }

  BlockBlobClient blob(String name) {
    return container.getBlobClient(name).getBlockBlobClient();
  }

  /** A blob's properties, or null when absent (or a committed upload, which no longer exists). */
  BlobProperties properties(String name) {
    try {
      BlobProperties p = blob(name).getPropertiesWithResponse(null, timeout, Context.NONE).getValue();
      return isCommittedUpload(p.getMetadata()) ? null : p;
    } catch (BlobStorageException e) {
      if (isMissingBlob(e)) {
        return null;
      }
      throw e;
    }
  }

  /** 404 for the blob itself; a missing container is a storage failure, not an absent object. */
  static boolean isMissingBlob(BlobStorageException e) {
    return e.getStatusCode() == 404 && !BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode());
  }

  static boolean isCommittedUpload(Map<String, String> meta) {
    return meta != null && meta.containsKey(META_COMMITTED);
  }

  static long sizeOf(BlobProperties p) {
    String s = p.getMetadata() == null ? null : p.getMetadata().get(META_SIZE);
    return s != null ? Long.parseLong(s) : p.getBlobSize();
  }

  /** The blob that holds an object's bytes: the object itself, or a pointer's target. */
  static String dataBlob(String name, BlobProperties p) {
    String target = p.getMetadata() == null ? null : p.getMetadata().get(META_DATA);
    return target != null ? target : name;
  }

  void deleteQuietly(String name) {
    try {
      blob(name).deleteIfExistsWithResponse(DeleteSnapshotsOptionType.INCLUDE, null, timeout, Context.NONE);
    } catch (BlobStorageException e) {
      if (!isMissingBlob(e)) {
        throw e;
      }
    }
  }
}
