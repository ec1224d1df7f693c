package dev.berth.storage;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The contract every storage backend implements: a flat key space of objects whose keys are
 * {@code /}-separated paths. It is small on purpose (distribution's driver has 11 methods) so that
 * an object store can implement it without emulating a file system.
 *
 * <p>Keys are built by the registry's layout only. Production drivers are wrapped in {@link
 * BaseDriver}, which rejects keys that could escape the root ({@link StorageKeys#check}) and bad
 * arguments before a driver sees them, clips read ranges and prepares the storage lazily; a
 * driver implements only what its backend needs. Every method is safe to call from several threads and
 * several processes on the same storage: correctness comes from atomic writes and the
 * preconditions below, never from a lock held in one process.
 */
public interface StorageDriver {

  /** A short name for logs and health checks: {@code filesystem}, {@code azure}, {@code memory}. */
  String name();

  /** Where the data is, for the startup log: no secret, no signed URL. */
  default String describe() {
    return name();
  }

  /**
   * Reads a small object (tags, links, upload state, manifests: at most a few MiB) in one piece.
   *
   * @return empty when there is no object at the key
   */
  Optional<SmallObject> getSmall(String key);

  /**
   * Writes a small object in one atomic step: readers see the old bytes or the new ones, never a
   * mix.
   *
   * @return the new object's ETag
   * @throws PreconditionFailedException when the precondition does not hold
   */
  String putSmall(String key, byte[] data, Precondition precondition);

  /**
   * Size and modification time of an object.
   *
   * @return empty when there is no object at the key
   */
  Optional<ObjectInfo> stat(String key);

  /**
   * Opens {@code length} bytes of an object from {@code offset} (a negative length: to the end;
   * a length past the end: cut at the end). Behind {@link BaseDriver} a driver is only asked for
   * {@code 0 <= offset}, {@code offset + length <= size} as {@link #stat} has just reported.
   *
   * @throws ObjectNotFoundException when there is no object at the key
   * @throws InvalidOffsetException when offset is past the end
   */
  Content read(String key, long offset, long length);

  /**
   * Appends the whole stream to the upload object at {@code key}, which must hold exactly
   * {@code offset} bytes (0: absent or empty). Writes are resumable: the object's size, read back
   * with {@link #stat}, is always the number of bytes durably received, even after a crash or from
   * another process.
   *
   * @return the object's new size
   * @throws InvalidOffsetException when the object does not hold {@code offset} bytes, or another
   *     writer is appending to it
   * @throws InputFailedException when reading {@code data} fails (what was read may be stored)
   */
  long append(String key, long offset, InputStream data);

  /**
   * Makes the finished upload at {@code uploadKey} readable at {@code key}, replacing what was
   * there, without copying its bytes; {@code uploadKey} no longer exists afterwards (a driver that
   * can't rename may keep the bytes under it, invisible to every method; its parent prefix may
   * then still be listed). Deleting {@code key} frees the bytes. The data is durable when this
   * returns.
   *
   * @throws ObjectNotFoundException when there is no upload at {@code uploadKey}
   * @throws InvalidOffsetException when a writer is appending to it (a driver that can tell): the
   *     bytes still arriving must not become part of the blob
   */
  void commit(String uploadKey, String key);

  /**
   * Lists the entries directly under {@code prefix} (which ends with {@code /}), without the
   * prefix: the names of objects, and for deeper keys their next segment followed by {@code /}
   * (once), as object stores list with a delimiter. Entries come in byte order and only those
   * greater than {@code startAfter} (null: from the start) are listed.
   */
  ListPage list(String prefix, String startAfter, int limit);

  /**
   * Deletes one object.
   *
   * @return false when there was no object
   * @throws PreconditionFailedException when the precondition does not hold
   */
  boolean delete(String key, Precondition precondition);

  /** Deletes every object whose key starts with {@code prefix} (which ends with {@code /}). */
  void deleteAll(String prefix);

  /**
   * A short-lived, read-only URL a client can fetch the object from directly, when the backend can
   * sign one and redirects are enabled; empty otherwise (the registry then streams the bytes).
   */
  default Optional<URI> redirectUrl(String key, Duration ttl) {
    return Optional.empty();
  }

  /**
   * Makes the storage usable: creates the root directory or the container when that is allowed
   * and they are missing. Creating a driver does no I/O, so a registry whose storage is down still
   * starts (and reports it through its probes); this is called until it succeeds. Idempotent and
   * safe to call from several threads and processes at once.
   *
   * @throws StorageException when storage can't be reached or set up; {@link
   *     StorageException#reason} says why in one line
   */
  default void prepare() {}

  /**
   * Checks that the storage can be reached with the configured credentials.
   *
   * @throws StorageException when it can't; the message must not carry a secret
   */
  void ping();
}
