package dev.berth.registry;

import dev.berth.registry.DigestCheckpoints.Checkpoint;
import dev.berth.registry.UploadSessions.Session;
import dev.berth.storage.InvalidOffsetException;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * Appends request bodies to uploads while carrying each upload's running digest, and completes
 * digests. The digest of the bytes this process received is kept between requests
 * ({@link DigestCheckpoints}), so finishing an upload reads back only what other replicas
 * received. While a body streams in, the session's state is touched every {@code heartbeat}, so
 * the purger never takes an upload that is still receiving bytes (on Azure the bytes' blob only
 * changes when a request ends).
 */
final class UploadBytes {
  private static final int READ_BUFFER = 256 * 1024;
  private final StorageDriver storage;
  private final UploadSessions sessions;
  private final Duration heartbeat;
  private final DigestCheckpoints checkpoints = new DigestCheckpoints(4096);

  UploadBytes(StorageDriver storage, UploadSessions sessions, Duration heartbeat) {
    this.storage = storage;
    this.sessions = sessions;
    this.heartbeat = heartbeat;
  }

  /**
   * Appends the stream at the upload's end.
   *
   * @return the upload with its new size
   * @throws ChunkRejectedException when the upload changed while the body was written
   */
  Upload append(Session session, InputStream body) {
    Upload u = session.upload();
    Checkpoint cp = checkpoints.take(u.uuid());
    MessageDigest md = null;
    if (cp != null && cp.offset() == u.size() && cp.algorithm() == u.algorithm()) {
      md = cp.digest();
    } else if (u.size() == 0) {
      md = u.algorithm().newDigest();
    }
    // What to restore if the append fails: the checkpoint before it is still a valid prefix.
    Checkpoint before = md != null ? new Checkpoint(u.algorithm(), u.size(), DigestCheckpoints.copy(md)) : cp;
    DigestingInputStream in = new DigestingInputStream(new Heartbeat(body, session), md);
    long size;
    try {
      size = storage.append(StorageLayout.uploadData(u.uuid()), u.size(), in);
    } catch (InvalidOffsetException e) {
      restore(u.uuid(), before);
      Upload now = e.size() >= 0 ? u.withSize(e.size()) : u;
      throw new ChunkRejectedException("upload changed while this chunk was written", now);
    } catch (RuntimeException e) {
      restore(u.uuid(), before);
      throw e;
    }
    if (md != null && size == u.size() + in.count()) {
      checkpoints.put(u.uuid(), new Checkpoint(u.algorithm(), size, md));
    } else {
      restore(u.uuid(), before);
    }
    return u.withSize(size);
  }

  /** The digest of the whole upload: the checkpoint, completed from storage where it falls short. */
  Digest digest(Upload u, DigestAlgorithm algorithm) {
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

  /** Forgets what this process knows of an upload that ended. */
  void forget(String uuid) {
    checkpoints.remove(uuid);
  }

  private void restore(String uuid, Checkpoint cp) {
    if (cp != null) {
      checkpoints.put(uuid, cp);
    }
  }

  /** Touches the session's state as bytes keep arriving, at most once per heartbeat. */
  private final class Heartbeat extends java.io.FilterInputStream {
    private Session session;
    private long lastBeat = System.nanoTime();

    Heartbeat(InputStream in, Session session) {
      super(in);
      this.session = session;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (session != null && n > 0 && System.nanoTime() - lastBeat >= heartbeat.toNanos()) {
        lastBeat = System.nanoTime();
        try {
          // Empty when the state changed meanwhile (another request claimed it): stop beating.
          session = sessions.touch(session).orElse(null);
        } catch (StorageException e) {
          // A lost heartbeat must not fail the upload: the next one tries again.
        }
      }
      return n;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }
  }
}
