package dev.berth.registry;

import dev.berth.config.BerthConfig;
import dev.berth.registry.UploadSessions.Session;
import dev.berth.storage.InputFailedException;
import dev.berth.storage.InvalidOffsetException;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageException;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Blob upload sessions: start, append (streamed or in ordered chunks), status, finish with digest
 * verification, cancel. All state lives in storage, so any replica can serve any request of a
 * session, and a restarted process continues where the last one stopped.
 *
 * <p>Finishing is a claim, then a commit: the request that finishes a session first marks its
 * state as finishing with a write conditional on the state's ETag (exactly one of several
 * concurrent requests wins; the others find no session, 404), then verifies the digest of the
 * bytes the upload holds and commits exactly that many bytes, which fails if a chunk was appended
 * meanwhile. A blob's bytes therefore always match its digest.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-blobs">pushing blobs</a>
 */
@Singleton
public class UploadService {
  private final UploadSessions sessions;
  private final UploadBytes bytes;
  private final BlobService blobs;
  private final Duration heartbeat;

  public UploadService(StorageDriver storage, UploadSessions sessions, BlobService blobs, BerthConfig config) {
    this.sessions = sessions;
    this.blobs = blobs;
    this.heartbeat = heartbeat(config.uploads().purgeAfter());
    this.bytes = new UploadBytes(storage, sessions, heartbeat);
  }

  /** Activity is recorded several times per purge period, and at least once a minute. */
  static Duration heartbeat(Duration purgeAfter) {
    Duration quarter = purgeAfter.dividedBy(4);
    return quarter.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : quarter;
  }

  /** Opens a session for a blob of the repository, digested with {@code algorithm}. */
  public Upload start(RepositoryName repo, DigestAlgorithm algorithm) {
    return sessions.create(repo, algorithm).upload();
  }

  /**
   * The session with its current size, read from storage.
   *
   * @throws RegistryException BLOB_UPLOAD_UNKNOWN when there is no such session in the repository
   */
  public Upload status(RepositoryName repo, String uuid) {
    return sessions.open(repo, uuid).upload();
  }

  /**
   * Appends a PATCH body. With a {@code Content-Range} the chunk must start where the upload ends.
   *
   * @throws ChunkRejectedException for an out-of-order chunk or a concurrent writer
   * @throws RegistryException BLOB_UPLOAD_UNKNOWN, SIZE_INVALID
   */
  public Upload append(RepositoryName repo, String uuid, Optional<ByteRange> chunk, long contentLength, InputStream body) {
    Session s = sessions.open(repo, uuid);
    checkChunk(s.upload(), chunk, contentLength);
    if (Duration.between(s.lastActivity(), Instant.now()).compareTo(heartbeat) > 0) {
      // Idle for a while: say it is active before the bytes arrive, so the purger keeps it.
      s = sessions.touch(s).orElseThrow(() -> ErrorCode.BLOB_UPLOAD_UNKNOWN.with("unknown upload " + uuid));
    }
    return bytes.append(s, body);
  }

  /**
   * Finishes a session: appends the last chunk if there is one, verifies the digest and makes the
   * blob visible in the repository. On a digest mismatch nothing is stored and the session ends.
   *
   * @throws RegistryException DIGEST_INVALID, BLOB_UPLOAD_UNKNOWN (also when another request
   *     finishes the session), SIZE_INVALID
   * @throws ChunkRejectedException for an out-of-order last chunk; the session stays open
   */
  public Upload finish(RepositoryName repo, String uuid, Digest expected, Optional<ByteRange> chunk, long contentLength, InputStream body) {
    Session open = sessions.open(repo, uuid);
    PushbackInputStream in = new PushbackInputStream(body, 1);
    boolean lastChunk = hasMore(in) || open.upload().size() == 0;
    if (lastChunk) {
      checkChunk(open.upload(), chunk, contentLength);
    }
    Session claimed = sessions.claim(open);
    Upload u = claimed.upload();
    try {
      if (lastChunk) {
        // An empty upload still needs its (empty) object to become the blob.
        u = bytes.append(claimed, in);
      }
      Digest actual = bytes.digest(u, expected.algorithm());
      if (!actual.equals(expected)) {
        end(uuid);
        throw ErrorCode.DIGEST_INVALID.with("upload has digest " + actual + ", not " + expected);
      }
      blobs.adopt(repo, expected, StorageLayout.uploadData(uuid), u.size());
    } catch (RegistryException e) {
      if (e.code() != ErrorCode.DIGEST_INVALID) {
        sessions.release(claimed); // the client may resume: GET status, then the next chunk
      }
      throw e;
    } catch (InvalidOffsetException e) {
      sessions.release(claimed);
      throw new ChunkRejectedException("upload changed while it was being finished", u);
    } catch (RuntimeException e) {
      sessions.release(claimed); // a failed body or storage: the client may retry the PUT
      throw e;
    }
    end(uuid);
    return u;
  }

  /**
   * Stores a whole blob sent in one request ({@code POST ...?digest=}).
   *
   * @throws RegistryException DIGEST_INVALID when the body does not have the digest
   */
  public Upload putMonolithic(RepositoryName repo, Digest expected, InputStream body) {
    // A session like any other, so that a crash mid-body leaves something the purger finds.
    Session s = sessions.create(repo, expected.algorithm());
    Upload u = s.upload();
    try {
      u = bytes.append(s, body);
      Digest actual = bytes.digest(u, expected.algorithm());
      if (!actual.equals(expected)) {
        throw ErrorCode.DIGEST_INVALID.with("content has digest " + actual + ", not " + expected);
      }
      blobs.adopt(repo, expected, StorageLayout.uploadData(u.uuid()), u.size());
    } catch (RuntimeException e) {
      discard(u.uuid());
      throw e;
    }
    end(u.uuid());
    return u;
  }

  /** Cancels a session and deletes what it received. */
  public void cancel(RepositoryName repo, String uuid) {
    sessions.open(repo, uuid);
    end(uuid);
  }

  private void end(String uuid) {
    bytes.forget(uuid);
    sessions.delete(uuid);
  }

  private void discard(String uuid) {
    try {
      end(uuid);
    } catch (StorageException e) {
      // The purger finds the session later; the client's error matters more.
    }
  }

  private static void checkChunk(Upload u, Optional<ByteRange> chunk, long contentLength) {
    if (chunk.isEmpty()) {
      return;
    }
    ByteRange r = chunk.get();
    if (r.first() != u.size()) {
      throw new ChunkRejectedException("chunk starts at " + r.first() + ", upload holds " + u.size() + " bytes", u);
    }
    if (contentLength >= 0 && contentLength != r.length()) {
      throw ErrorCode.SIZE_INVALID.with("Content-Range covers " + r.length() + " bytes, Content-Length is " + contentLength);
    }
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
      throw new InputFailedException(e);
    }
  }
}
