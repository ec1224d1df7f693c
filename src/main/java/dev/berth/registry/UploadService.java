package dev.berth.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.DigestCheckpoints.Checkpoint;
import dev.berth.storage.InvalidOffsetException;
import dev.berth.storage.ObjectInfo;
import dev.berth.storage.Precondition;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageException;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Blob upload sessions: start, append (streamed or in ordered chunks), status, finish with digest
 * verification, cancel. All state lives in storage, so any replica can serve any request of a
 * session, and a restarted process continues where the last one stopped.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-blobs">pushing blobs</a>
 */
@Singleton
public class UploadService {
  private static final Pattern UUID_FORM = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final int READ_BUFFER = 256 * 1024;

  private final StorageDriver storage;
  private final BlobService blobs;
  private final DigestCheckpoints checkpoints = new DigestCheckpoints(4096);

  public UploadService(StorageDriver storage, BlobService blobs) {
    this.storage = storage;
    this.blobs = blobs;
  }

  /** An upload session and the number of bytes it holds. */
  public record Upload(String uuid, RepositoryName repository, DigestAlgorithm algorithm, long size) {
    /** The value of the {@code Range} header: {@code 0-<last byte>} ({@code 0-0} when empty). */
    public String range() {
      return "0-" + Math.max(0, size - 1);
    }

    Upload withSize(long newSize) {
      return new Upload(uuid, repository, algorithm, newSize);
    }
  }

  /** Opens a session for a blob of the repository, digested with {@code algorithm}. */
  public Upload start(RepositoryName repo, DigestAlgorithm algorithm) {
    String uuid = UUID.randomUUID().toString();
    ObjectNode state = Json.object()
        .put("repository", repo.value())
        .put("algorithm", algorithm.id())
        .put("startedAt", Instant.now().toString());
    storage.putSmall(StorageLayout.uploadState(uuid), Json.bytes(state), Precondition.IF_ABSENT);
    return new Upload(uuid, repo, algorithm, 0);
  }

  /**
   * The session with its current size, read from storage.
   *
   * @throws RegistryException BLOB_UPLOAD_UNKNOWN when there is no such session in the repository
   */
  public Upload status(RepositoryName repo, String uuid) {
    if (uuid == null || !UUID_FORM.matcher(uuid).matches()) {
      throw ErrorCode.BLOB_UPLOAD_UNKNOWN.with("unknown upload");
    }
    byte[] raw = storage.getSmall(StorageLayout.uploadState(uuid))
        .orElseThrow(() -> ErrorCode.BLOB_UPLOAD_UNKNOWN.with("unknown upload " + uuid)).data();
    JsonNode state;
    try {
      state = Json.parse(raw);
    } catch (IOException e) {
      throw new StorageException("unreadable upload state " + uuid, e);
    }
    if (!repo.value().equals(Json.text(state, "repository"))) {
      throw ErrorCode.BLOB_UPLOAD_UNKNOWN.with("unknown upload " + uuid);
    }
    DigestAlgorithm algorithm = DigestAlgorithm.of(Json.text(state, "algorithm"));
    long size = storage.stat(StorageLayout.uploadData(uuid)).map(ObjectInfo::size).orElse(0L);
    return new Upload(uuid, repo, algorithm, size);
  }

  /**
   * Appends a PATCH body. With a {@code Content-Range} the chunk must start where the upload
   * ends.
   *
   * @throws RegistryException BLOB_UPLOAD_INVALID (416, with the current Range) for an out-of-order
   *     chunk or a concurrent writer; BLOB_UPLOAD_UNKNOWN
   */
  public Upload append(RepositoryName repo, String uuid, Optional<ByteRange> chunk, long contentLength, InputStream body) {
    Upload u = status(repo, uuid);
    checkChunk(u, chunk, contentLength);
    return u.withSize(write(u, body));
  }

  /**
   * Finishes a session: appends the last chunk if there is one, verifies the digest and makes the
   * blob visible in the repository. On a digest mismatch nothing is stored and the session ends.
   *
   * @throws RegistryException DIGEST_INVALID, BLOB_UPLOAD_INVALID, BLOB_UPLOAD_UNKNOWN
   */
  public Upload finish(RepositoryName repo, String uuid, Digest expected, Optional<ByteRange> chunk, long contentLength, InputStream body) {
    Upload u = status(repo, uuid);
    PushbackInputStream in = new PushbackInputStream(body, 1);
    if (hasMore(in) || u.size() == 0) {
      // An empty upload still needs its (empty) object to become the blob.
      checkChunk(u, chunk, contentLength);
      u = u.withSize(write(u, in));
    }
    Digest actual = digestOf(u, expected.algorithm());
    if (!actual.equals(expected)) {
      cancel(repo, uuid);
      throw ErrorCode.DIGEST_INVALID.with("upload has digest " + actual + ", not " + expected);
    }
    blobs.adopt(repo, expected, StorageLayout.uploadData(uuid));
    end(uuid);
    return u;
  }

  /**
   * Stores a whole blob sent in one request ({@code POST ...?digest=}).
   *
   * @throws RegistryException DIGEST_INVALID when the body does not have the digest
   */
  public long putMonolithic(RepositoryName repo, Digest expected, InputStream body) {
    // A session like any other, so that a crash mid-body leaves something the purge finds.
    String uuid = start(repo, expected.algorithm()).uuid();
    String data = StorageLayout.uploadData(uuid);
    MessageDigest md = expected.algorithm().newDigest();
    DigestingInputStream in = new DigestingInputStream(body, md);
    long size;
    try {
      size = storage.append(data, 0, in);
    } catch (RuntimeException e) {
      discard(uuid);
      throw e;
    }
    Digest actual = Digest.of(expected.algorithm(), md);
    if (!actual.equals(expected)) {
      discard(uuid);
      throw ErrorCode.DIGEST_INVALID.with("content has digest " + actual + ", not " + expected);
    }
    blobs.adopt(repo, expected, data);
    end(uuid);
    return size;
  }

  /** Cancels a session and deletes what it received. */
  public void cancel(RepositoryName repo, String uuid) {
    status(repo, uuid);
    end(uuid);
  }

  /** Deletes a session: its bytes (unless they became a blob), then its state. */
  private void end(String uuid) {
    checkpoints.remove(uuid);
    delete(storage, uuid);
  }

  static void delete(StorageDriver storage, String uuid) {
    storage.delete(StorageLayout.uploadData(uuid), Precondition.NONE);
    storage.delete(StorageLayout.uploadState(uuid), Precondition.NONE);
  }

  private void discard(String uuid) {
    try {
      end(uuid);
    } catch (StorageException e) {
      // The purge finds the session later; the client's error matters more.
    }
  }

  private static void checkChunk(Upload u, Optional<ByteRange> chunk, long contentLength) {
    if (chunk.isEmpty()) {
      return;
    }
    ByteRange r = chunk.get();
    if (r.first() != u.size()) {
      throw outOfOrder(u, "chunk starts at " + r.first() + ", upload holds " + u.size() + " bytes");
    }
    if (contentLength >= 0 && contentLength != r.length()) {
      throw ErrorCode.SIZE_INVALID.with("Content-Range covers " + r.length() + " bytes, Content-Length is " + contentLength);
    }
  }

  private static RegistryException outOfOrder(Upload u, String detail) {
    return ErrorCode.BLOB_UPLOAD_INVALID.with(detail, 416).withHeaders(Map.of(
        "Range", u.range(),
        "Location", "/v2/" + u.repository() + "/blobs/uploads/" + u.uuid(),
        "Docker-Upload-UUID", u.uuid()));
  }

  /** Appends the stream at the upload's end, carrying the running digest when this process has it. */
  private long write(Upload u, InputStream body) {
    Checkpoint cp = checkpoints.take(u.uuid());
    MessageDigest md = null;
    if (cp != null && cp.offset() == u.size() && cp.algorithm() == u.algorithm()) {
      md = cp.digest();
    } else if (u.size() == 0) {
      md = u.algorithm().newDigest();
    }
    // What to restore if the append fails: the checkpoint before it is still a valid prefix.
    Checkpoint before = md != null ? new Checkpoint(u.algorithm(), u.size(), DigestCheckpoints.copy(md)) : cp;
    DigestingInputStream in = new DigestingInputStream(body, md);
    long size;
    try {
      size = storage.append(StorageLayout.uploadData(u.uuid()), u.size(), in);
    } catch (InvalidOffsetException e) {
      restore(u.uuid(), before);
      throw outOfOrder(e.size() >= 0 ? u.withSize(e.size()) : u, "upload changed while this chunk was written");
    } catch (RuntimeException e) {
      restore(u.uuid(), before);
      throw e;
    }
    if (md != null && size == u.size() + in.count()) {
      checkpoints.put(u.uuid(), new Checkpoint(u.algorithm(), size, md));
    } else {
      restore(u.uuid(), before);
    }
    return size;
  }

  private void restore(String uuid, Checkpoint cp) {
    if (cp != null) {
      checkpoints.put(uuid, cp);
    }
  }

  /** The digest of the whole upload: the checkpoint, completed from storage where it falls short. */
  private Digest digestOf(Upload u, DigestAlgorithm algorithm) {
    Checkpoint cp = checkpoints.take(u.uuid());
    MessageDigest md;
    long from;
    if (cp != null && cp.algorithm() == algorithm && cp.offset() <= u.size()) {
      md = cp.digest();
      from = cp.offset();
    } else {
      md = algorithm.newDigest();
      from = 0;
    }
    if (from < u.size()) {
      try (InputStream in = storage.read(StorageLayout.uploadData(u.uuid()), from, u.size() - from).openStream()) {
        byte[] buf = new byte[READ_BUFFER];
        int n;
        while ((n = in.read(buf)) > 0) {
          md.update(buf, 0, n);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Digest.of(algorithm, md);
  }

  private static boolean hasMore(PushbackInputStream in) {
    try {
      int b = in.read();
      if (b < 0) {
        return false;
      }
      in.unread(b);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
