package dev.berth.storage.filesystem;

import dev.berth.storage.InputFailedException;
import dev.berth.storage.InvalidOffsetException;
import java.io.IOException;
import java.io.InputStream;
import com.sun.nio.file.ExtendedOpenOption;
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
  /**
   * Files this JVM is appending to. A second appender must not even open such a file: closing any
   * descriptor of a file drops the process's POSIX lock on it, which keeps other processes out.
   */
  private static final Set<Path> APPENDING = ConcurrentHashMap.newKeySet();
  /**
   * What the receiving thread reads (and the caller hashes) at a time, before DiskWriter gathers
   * it into its 1 MiB blocks: small, because every append in progress holds one on the heap.
   */
  private static final int READ = 128 << 10;
  private final WriteBehind writeBehind = new WriteBehind();
  /**
   * The alignment O_DIRECT needs here (the file system's block size): -1 until the first append
   * asks, 0 once the file system has refused O_DIRECT.
   */
  private volatile int block;

  Appends(boolean directIo) {
    block = directIo ? -1 : 0;
  }

  private static int blockSize(Path file) {
    try {
      long b = Files.getFileStore(file).getBlockSize();
      // 4 KiB at least: a device's logical sector may be larger than what the file system says.
      return b > 0 && b <= 64 << 10 && Long.bitCount(b) == 1 ? (int) Math.max(b, 4096) : 0;
    } catch (IOException | UnsupportedOperationException e) {
      return 0;
    }
  }

  /** Appends the stream to the file at {@code p}, which must hold exactly {@code offset} bytes. */
  long append(Path p, String key, long offset, InputStream data) throws IOException {
    if (!APPENDING.add(p)) {
      throw new InvalidOffsetException(key, offset, -1);
    }
    try (FileChannel ch = open(p, key, offset)) {
      FileLock lock = lockOrRefuse(ch, key, offset);
      try {
        if (!Files.exists(p)) {
          throw new InvalidOffsetException(key, offset, -1); // committed while this waited for the lock
        }
        long size = ch.size();
        if (size != offset) {
          throw new InvalidOffsetException(key, offset, size);
        }
        return offset + copy(data, ch, p, offset);
      } finally {
        lock.release();
      }
    } finally {
      APPENDING.remove(p);
    }
  }

  /** A step on an upload's file that no append may overlap. */
  interface Exclusive {
    void run(FileChannel ch) throws IOException;
  }

  /**
   * Runs {@code step} on the upload file at {@code p} while no append (in this or another process)
   * runs or can start; refused with {@link InvalidOffsetException} while one runs.
   *
   * @throws java.nio.file.NoSuchFileException when there is no such file
   */
  void exclusive(Path p, String key, Exclusive step) throws IOException {
    if (!APPENDING.add(p)) {
      throw new InvalidOffsetException(key, -1, -1);
    }
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      FileLock lock = lockOrRefuse(ch, key, -1);
      try {
        step.run(ch);
      } finally {
        if (ch.isOpen()) {
          lock.release();
        }
      }
    } finally {
      APPENDING.remove(p);
    }
  }

  /** The file's POSIX lock, or a refusal when another process (or thread) holds it. */
  private static FileLock lockOrRefuse(FileChannel ch, String key, long offset) throws IOException {
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw new InvalidOffsetException(key, offset, -1);
    }
    return lock;
  }

  private long copy(InputStream data, FileChannel ch, Path p, long offset) throws IOException {
    int align = block < 0 ? (block = blockSize(p)) : block;
    FileChannel direct = align > 0 ? direct(p) : null;
    DiskWriter out = new DiskWriter(ch, direct, Math.max(align, 1), offset, writeBehind);
    try {
      byte[] buf = new byte[READ];
      long written = 0;
      int n;
      try {
        while ((n = readInput(data, buf)) > 0) {
          out.write(buf, 0, n);
          written += n;
        }
      } catch (InputFailedException e) {
        out.finish(); // what was received stays: the client resumes from there
        throw e;
      }
      out.finish();
      if (offset == 0) {
        Dirs.fsyncDir(p.getParent()); // the new file's name survives a crash too
      }
      return written;
    } finally {
      out.release();
      if (direct != null) {
        direct.close(); // drops this process's lock on the file: the append is over by now
      }
    }
  }

  /**
   * An O_DIRECT channel on the file, or null where the file system refuses one (tmpfs, some
   * overlay and network file systems): then every byte goes through the page cache.
   */
  private FileChannel direct(Path p) {
    try {
      return FileChannel.open(p, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
    } catch (NoSuchFileException e) {
      return null; // deleted under this append (a cancel): not the file system's refusal
    } catch (IOException | UnsupportedOperationException e) {
      block = 0;
      return null;
    }
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
