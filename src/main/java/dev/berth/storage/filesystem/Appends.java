package dev.berth.storage.filesystem;

import dev.berth.storage.InputFailedException;
import dev.berth.storage.InvalidOffsetException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Appends to upload files in place, one writer per file across threads and processes: a POSIX
 * lock keeps other processes out, a set of paths keeps this JVM's other threads out.
 */
final class Appends {
  private static final int COPY_BUFFER = 256 * 1024;
  /** Start writing received bytes to disk every this many bytes (see {@link WriteBehind}). */
  private static final long WRITE_BEHIND = 16L << 20;
  /**
   * Files this JVM is appending to. A second appender must not even open such a file: closing any
   * descriptor of a file drops the process's POSIX lock on it, which keeps other processes out.
   */
  private static final Set<Path> APPENDING = ConcurrentHashMap.newKeySet();
  private final WriteBehind writeBehind = new WriteBehind();

  /** Appends the stream to the file at {@code p}, which must hold exactly {@code offset} bytes. */
  long append(Path p, String key, long offset, InputStream data) throws IOException {
    if (!APPENDING.add(p)) {
      throw new InvalidOffsetException(key, offset, -1);
    }
    try (FileChannel ch = open(p, key, offset)) {
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new InvalidOffsetException(key, offset, -1);
      }
      try {
        long size = ch.size();
        if (size != offset) {
          throw new InvalidOffsetException(key, offset, size);
        }
        return offset + copy(data, ch, offset);
      } finally {
        lock.release();
      }
    } finally {
      APPENDING.remove(p);
    }
  }

  private long copy(InputStream data, FileChannel ch, long offset) throws IOException {
    ch.position(offset);
    byte[] buf = new byte[COPY_BUFFER];
    ByteBuffer bb = ByteBuffer.wrap(buf);
    long written = 0;
    long flushed = 0;
    int n;
    while ((n = readInput(data, buf)) > 0) {
      bb.clear().limit(n);
      while (bb.hasRemaining()) {
        ch.write(bb);
      }
      written += n;
      if (written - flushed >= WRITE_BEHIND) {
        flushed = written;
        writeBehind.start(ch);
      }
    }
    return written;
  }

  /** Opens the upload's file; only an append at offset 0 creates it (and its directories). */
  private static FileChannel open(Path p, String key, long offset) throws IOException {
    if (offset != 0) {
      try {
        return FileChannel.open(p, StandardOpenOption.WRITE);
      } catch (NoSuchFileException e) {
        throw new InvalidOffsetException(key, offset, 0);
      }
    }
    for (int attempt = 0; ; attempt++) {
      try {
        Files.createDirectories(p.getParent());
        return FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      } catch (NoSuchFileException e) {
        // A concurrent delete pruned the (empty) directory between create and open: try again.
        if (attempt >= 3) {
          throw e;
        }
      }
    }
  }

  private static int readInput(InputStream data, byte[] buf) {
    try {
      return data.read(buf);
    } catch (IOException e) {
      throw new InputFailedException(e);
    }
  }
}
