package dev.berth.registry;

import dev.berth.storage.Content;
import dev.berth.storage.ObjectInfo;
import dev.berth.storage.Precondition;
import dev.berth.storage.StorageDriver;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Content-addressed blobs: stored once under their digest, visible in a repository only through
 * that repository's link.
 */
@Singleton
public class BlobService {
  private final StorageDriver storage;
  private final BlobMarkers markers;

  public BlobService(StorageDriver storage, BlobMarkers markers) {
    this.storage = storage;
    this.markers = markers;
  }

  /**
   * The size of a blob linked into the repository.
   *
   * @throws RegistryException BLOB_UNKNOWN when it is not linked there or its data is gone
   */
  public long size(RepositoryName repo, Digest digest) {
    return stat(repo, digest).orElseThrow(() -> ErrorCode.BLOB_UNKNOWN.with(digest.toString())).size();
  }

  public boolean exists(RepositoryName repo, Digest digest) {
    return stat(repo, digest).isPresent();
  }

  private Optional<ObjectInfo> stat(RepositoryName repo, Digest digest) {
    if (storage.stat(StorageLayout.layerLink(repo, digest)).isEmpty()) {
      return Optional.empty();
    }
    return storage.stat(StorageLayout.blobData(digest));
  }

  /** Opens {@code [offset, offset+length)} of a blob of the repository (length -1: to the end). */
  public Content open(RepositoryName repo, Digest digest, long offset, long length) {
    return storage.read(StorageLayout.blobData(digest), offset, length);
  }

  /** Where a client may fetch the blob directly, when the storage can sign a URL. */
  public Optional<java.net.URI> redirect(Digest digest, java.time.Duration ttl) {
    return storage.redirectUrl(StorageLayout.blobData(digest), ttl);
  }

  /**
   * Unlinks a blob from the repository. Its bytes stay until garbage collection, since other
   * repositories may share them.
   *
   * @throws RegistryException BLOB_UNKNOWN when it was not linked
   */
  public void delete(RepositoryName repo, Digest digest) {
    if (!storage.delete(StorageLayout.layerLink(repo, digest), Precondition.NONE)) {
      throw ErrorCode.BLOB_UNKNOWN.with(digest.toString());
    }
  }

  /** Links a blob from {@code from} into {@code to}; false when {@code from} does not have it. */
  public boolean mount(RepositoryName to, Digest digest, RepositoryName from) {
    // Pinned first (BlobMarkers): a blob GC is deleting is not mounted, the client uploads it.
    if (markers.pin(digest).isEmpty() || !exists(from, digest)) {
      return false;
    }
    link(to, digest);
    return true;
  }

  /**
   * Links a blob that is stored (for another repository) into {@code repo}, as a pull-through
   * cache does once its upstream has confirmed the repository has it; false when it is not stored
   * or GC is deleting it.
   */
  public boolean linkStored(RepositoryName repo, Digest digest) {
    if (markers.pin(digest).isEmpty() || storage.stat(StorageLayout.blobData(digest)).isEmpty()) {
      return false;
    }
    link(repo, digest);
    return true;
  }

  /** Whether the blob's bytes are stored, in whichever repository. */
  public boolean stored(Digest digest) {
    return storage.stat(StorageLayout.blobData(digest)).isPresent();
  }

  void link(RepositoryName repo, Digest digest) {
    storage.putSmall(StorageLayout.layerLink(repo, digest), digest.toString().getBytes(StandardCharsets.US_ASCII), Precondition.NONE);
  }

  /**
   * Makes a verified upload the blob with this digest and links it into the repository. When the
   * blob is already stored (a base layer pushed before), the upload's bytes are dropped instead.
   */
  void adopt(RepositoryName repo, Digest digest, String uploadKey, long size) {
    // Pinned before the data is judged present, so GC can't take it away between (BlobMarkers).
    markers.pinForWrite(digest);
    String target = StorageLayout.blobData(digest);
    if (storage.stat(target).isPresent()) {
      storage.delete(uploadKey, Precondition.NONE);
    } else {
      storage.commit(uploadKey, target);
    }
    link(repo, digest);
  }

  /** Stores small content (a manifest) as a blob, unless it is already there. */
  BlobMarkers.Pin putSmall(Digest digest, byte[] data) {
    BlobMarkers.Pin pin = markers.pinForWrite(digest);
    String key = StorageLayout.blobData(digest);
    if (storage.stat(key).isEmpty()) {
      storage.putSmall(key, data, Precondition.NONE);
    }
    return pin;
  }

  /** Pins a blob a manifest relies on (BlobMarkers); empty when GC is deleting it. */
  Optional<BlobMarkers.Pin> pin(Digest digest) {
    return markers.pin(digest);
  }

  Optional<byte[]> getSmall(Digest digest) {
    return storage.getSmall(StorageLayout.blobData(digest)).map(dev.berth.storage.SmallObject::data);
  }
}
