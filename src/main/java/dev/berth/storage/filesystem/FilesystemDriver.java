package dev.berth.storage.filesystem;

import dev.berth.storage.Content;
import dev.berth.storage.Etags;
import dev.berth.storage.InputFailedException;
import dev.berth.storage.InvalidOffsetException;
import dev.berth.storage.ListPage;
import dev.berth.storage.ObjectInfo;
import dev.berth.storage.ObjectNotFoundException;
import dev.berth.storage.Precondition;
import dev.berth.storage.PreconditionFailedException;
import dev.berth.storage.SmallObject;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageException;
import dev.berth.storage.StorageKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Stores each key as a file under a root directory. Writes go to a hidden temporary file in the
 * target's directory, are fsynced, then renamed (or hard-linked, for create-only writes) into
 * place, so no partial file is ever visible under a final name. Uploads are appended in place; the
 * file's size is the number of bytes received, which survives a restart.
 *
 * <p>Conditional writes that compare ETags ({@code IF_MATCH}) are serialized within this process;
 * create-only writes and renames are atomic across processes sharing the directory.
 */
public final class FilesystemDriver implements StorageDriver {
  /** Temporary files are named {@code .tmp-<uuid>}; every other name is a key's segment. */
  private static final String TEMP = ".tmp-";
  private static final int TEMP_NAME_LENGTH = TEMP.length() + 36;
  private static final int COPY_BUFFER = 256 * 1024;
  /** Start writing received bytes to disk every this many bytes (see {@link WriteBehind}). */
  private static final long WRITE_BEHIND = 16L << 20;
  private final WriteBehind writeBehind = new WriteBehind();
  /**
   * Files this JVM is appending to. A second appender must not even open such a file: closing any
   * descriptor of a file drops the process's POSIX lock on it, which keeps other processes out.
   */
  private static final Set<Path> APPENDING = ConcurrentHashMap.newKeySet();
  private final Path root;
  private final ReentrantLock[] stripes = new ReentrantLock[64];

  public FilesystemDriver(Path root) {
    this.root = root.toAbsolutePath().normalize();
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
    try {
      Files.createDirectories(this.root);
    } catch (IOException e) {
      throw new StorageException("cannot create storage root " + this.root + ": " + e.getMessage(), e);
    }
  }

  public Path root() {
    return root;
  }

  @Override
  public String name() {
    return "filesystem";
  }

  private Path path(String key) {
    Path p = root.resolve(StorageKeys.check(key)).normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw new dev.berth.storage.InvalidKeyException(key);
    }
    return p;
  }

  private Path dir(String prefix) {
    StorageKeys.checkPrefix(prefix);
    return prefix.isEmpty() ? root : path(prefix.substring(0, prefix.length() - 1));
  }

  @Override
  public Optional<SmallObject> getSmall(String key) {
    Path p = path(key);
    try {
      byte[] data = Files.readAllBytes(p);
      return Optional.of(new SmallObject(data, Etags.of(data)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) || blockedByFile(p)) {
        return Optional.empty();
      }
      throw failure("read", key, e);
    }
  }

  @Override
  public String putSmall(String key, byte[] data, Precondition precondition) {
    Path target = path(key);
    String etag = Etags.of(data);
    Path tmp = writeTemp(target, data);
    boolean written = false;
    try {
      switch (precondition.kind()) {
        case NONE -> rename(tmp, target);
        case IF_ABSENT -> {
          try {
            Files.createLink(target, tmp);
          } catch (FileAlreadyExistsException e) {
            throw new PreconditionFailedException(key);
          }
        }
        case IF_MATCH -> {
          ReentrantLock lock = stripe(target);
          lock.lock();
          try {
            String current = getSmall(key).map(SmallObject::etag).orElse(null);
            if (!precondition.etag().equals(current)) {
              throw new PreconditionFailedException(key);
            }
            rename(tmp, target);
          } finally {
            lock.unlock();
          }
        }
      }
      written = true;
      return etag;
    } catch (IOException e) {
      throw failure("write", key, e);
    } finally {
      deleteQuietly(tmp);
      if (!written) {
        prune(target.getParent()); // a refused write leaves no directory behind
      }
    }
  }

  /** Writes and fsyncs a temporary file next to the target, creating its directory if needed. */
  private Path writeTemp(Path target, byte[] data) {
    Path dir = target.getParent();
    for (int attempt = 0; ; attempt++) {
      Path tmp = dir.resolve(TEMP + UUID.randomUUID());
      try {
        Files.createDirectories(dir);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          ByteBuffer buf = ByteBuffer.wrap(data);
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
          ch.force(false);
        }
        return tmp;
      } catch (NoSuchFileException e) {
        // A concurrent delete pruned the (empty) directory between create and write: try again.
        if (attempt >= 3) {
          throw failure("write", root.relativize(target).toString(), e);
        }
      } catch (IOException e) {
        deleteQuietly(tmp);
        throw failure("write", root.relativize(target).toString(), e);
      }
    }
  }

  private static void rename(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the storage root must support atomic rename", e);
    }
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    return attributes(path(key), key).map(a -> new ObjectInfo(a.size(), a.lastModifiedTime().toInstant()));
  }

  /** The attributes of the object's file; empty when there is no object at the key. */
  private Optional<BasicFileAttributes> attributes(Path p, String key) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return a.isRegularFile() ? Optional.of(a) : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      if (blockedByFile(p)) {
        return Optional.empty();
      }
      throw failure("stat", key, e);
    }
  }

  /** Whether a directory on the way to {@code p} is a file (an object): nothing can exist below it. */
  private boolean blockedByFile(Path p) {
    for (Path d = p.getParent(); d != null && d.startsWith(root) && !d.equals(root); d = d.getParent()) {
      if (Files.isRegularFile(d)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Content read(String key, long offset, long length) {
    long size = stat(key).orElseThrow(() -> new ObjectNotFoundException(key)).size();
    if (offset < 0 || offset > size) {
      throw new InvalidOffsetException(key, offset, size);
    }
    long n = length < 0 ? size - offset : Math.min(length, size - offset);
    return new Content.FileRegion(path(key), offset, n);
  }

  @Override
  public long append(String key, long offset, InputStream data) {
    Path p = path(key);
    if (!APPENDING.add(p)) {
      throw new InvalidOffsetException(key, offset, -1);
    }
    try {
      try (FileChannel ch = openForAppend(p, key, offset)) {
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
          return offset + written;
        } finally {
          lock.release();
        }
      }
    } catch (IOException e) {
      throw failure("append", key, e);
    } finally {
      APPENDING.remove(p);
    }
  }

  /** Opens the upload's file; only an append at offset 0 creates it (and its directories). */
  private FileChannel openForAppend(Path p, String key, long offset) throws IOException {
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

  @Override
  public void commit(String uploadKey, String key) {
    Path from = path(uploadKey);
    Path to = path(key);
    if (attributes(from, uploadKey).isEmpty()) {
      throw new ObjectNotFoundException(uploadKey);
    }
    try {
      try (FileChannel ch = FileChannel.open(from, StandardOpenOption.WRITE)) {
        ch.force(true);
      } catch (NoSuchFileException e) {
        throw new ObjectNotFoundException(uploadKey);
      }
      for (int attempt = 0; ; attempt++) {
        try {
          Files.createDirectories(to.getParent());
          rename(from, to);
          break;
        } catch (NoSuchFileException e) {
          if (attempt >= 3 || !Files.exists(from)) {
            throw e;
          }
        }
      }
      fsyncDir(to.getParent());
      prune(from.getParent());
    } catch (IOException e) {
      throw failure("commit", key, e);
    }
  }

  @Override
  public ListPage list(String prefix, String startAfter, int limit) {
    Path d = dir(prefix);
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(d)) {
      for (Path p : s) {
        String n = p.getFileName().toString();
        if (isTemp(n)) {
          continue;
        }
        String entry = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? n + "/" : n;
        if (startAfter == null || entry.compareTo(startAfter) > 0) {
          names.add(entry);
        }
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      return new ListPage(List.of(), false);
    } catch (IOException e) {
      throw failure("list", prefix, e);
    }
    names.sort(null);
    boolean truncated = names.size() > limit;
    return new ListPage(truncated ? names.subList(0, limit) : names, truncated);
  }

  @Override
  public boolean delete(String key, Precondition precondition) {
    Path p = path(key);
    try {
      boolean deleted;
      switch (precondition.kind()) {
        case IF_MATCH -> {
          ReentrantLock lock = stripe(p);
          lock.lock();
          try {
            String current = getSmall(key).map(SmallObject::etag).orElse(null);
            if (current == null) {
              return false;
            }
            if (!precondition.etag().equals(current)) {
              throw new PreconditionFailedException(key);
            }
            deleted = Files.deleteIfExists(p);
          } finally {
            lock.unlock();
          }
        }
        case IF_ABSENT -> throw new IllegalArgumentException("IF_ABSENT on delete");
        default -> deleted = attributes(p, key).isPresent() && Files.deleteIfExists(p);
      }
      if (deleted) {
        prune(p.getParent());
      }
      return deleted;
    } catch (DirectoryNotEmptyException e) {
      return false;
    } catch (IOException e) {
      throw failure("delete", key, e);
    }
  }

  @Override
  public void deleteAll(String prefix) {
    Path d = dir(prefix);
    if (d.equals(root)) {
      throw new IllegalArgumentException("refusing to delete the storage root");
    }
    if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
      return; // nothing below the prefix (a file there is the object "<prefix>" without its slash)
    }
    try {
      deleteTree(d);
      prune(d.getParent());
    } catch (IOException e) {
      throw failure("delete", prefix, e);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
        for (Path c : s) {
          deleteTree(c);
        }
      } catch (NoSuchFileException e) {
        return;
      }
    }
    try {
      Files.deleteIfExists(p);
    } catch (DirectoryNotEmptyException e) {
      deleteTree(p); // a writer added a file meanwhile
    }
  }

  /** Removes empty directories from {@code dir} up to (not including) the root. */
  private void prune(Path dir) {
    for (Path d = dir; d != null && d.startsWith(root) && !d.equals(root); d = d.getParent()) {
      try {
        Files.delete(d);
      } catch (IOException e) {
        return; // not empty (or already gone): stop climbing
      }
    }
  }

  @Override
  public void ping() {
    if (!Files.isDirectory(root) || !Files.isWritable(root)) {
      throw new StorageException("storage root " + root + " is not a writable directory");
    }
  }

  private static boolean isTemp(String name) {
    return name.length() == TEMP_NAME_LENGTH && name.startsWith(TEMP);
  }

  private ReentrantLock stripe(Path p) {
    return stripes[Math.floorMod(p.hashCode(), stripes.length)];
  }

  private static void fsyncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems can't open directories; the rename itself is still atomic.
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort: a leftover hidden temp file is never read
    }
  }

  private static StorageException failure(String op, String key, IOException e) {
    return new StorageException(op + " " + key + " failed: " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
  }
}
