package dev.berth.storage.filesystem;

import dev.berth.storage.Content;
import dev.berth.storage.Etags;
import dev.berth.storage.InvalidKeyException;
import dev.berth.storage.ListPage;
import dev.berth.storage.ObjectInfo;
import dev.berth.storage.ObjectNotFoundException;
import dev.berth.storage.Precondition;
import dev.berth.storage.PreconditionFailedException;
import dev.berth.storage.SmallObject;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Stores each key as a file under a root directory. Writes go to a hidden temporary file in the
 * target's directory, are fsynced, then renamed (or hard-linked, for create-only writes) into
 * place, so no partial file is ever visible under a final name. Uploads are appended in place; the
 * file's size is the number of bytes received, which survives a restart.
 *
 * <p>Conditional writes that compare ETags ({@code IF_MATCH}) are serialized within this process;
 * create-only writes and renames are atomic across processes sharing the directory. Building one
 * touches no disk: {@link #prepare} creates the root.
 */
public final class FilesystemDriver implements StorageDriver {
  /** Temporary files are named {@code .tmp-<uuid>}; every other name is a key's segment. */
  private static final String TEMP = ".tmp-";
  private static final int TEMP_NAME_LENGTH = TEMP.length() + 36;
  private final Appends appends;
  private final Path root;
  private final ReentrantLock[] stripes = new ReentrantLock[64];

  public FilesystemDriver(Path root) {
    this(root, true);
  }

  /** @param directIo whether uploads are written with O_DIRECT where the file system allows it */
  public FilesystemDriver(Path root, boolean directIo) {
    this.root = root.toAbsolutePath().normalize();
    this.appends = new Appends(directIo);
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /** Creates the root directory if it is missing (nothing else touches the disk before). */
  @Override
  public void prepare() {
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw FilesystemErrors.cannotCreateRoot(root, e);
    }
    ping();
  }

  public Path root() {
    return root;
  }

  @Override
  public String name() {
    return "filesystem";
  }

  @Override
  public String describe() {
    return "filesystem at " + root;
  }

  /** The key's file. Keys are checked by {@link dev.berth.storage.BaseDriver}; this guard stays as defence in depth. */
  private Path path(String key) {
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw new InvalidKeyException(key);
    }
    return p;
  }

  private Path dir(String prefix) {
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
        case NONE -> Dirs.rename(tmp, target);
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
            Dirs.rename(tmp, target);
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
      Dirs.deleteQuietly(tmp);
      if (!written) {
        Dirs.prune(root, target.getParent()); // a refused write leaves no directory behind
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
        Dirs.deleteQuietly(tmp);
        throw failure("write", root.relativize(target).toString(), e);
      }
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
    Path p = path(key);
    if (attributes(p, key).isEmpty()) {
      throw new ObjectNotFoundException(key);
    }
    return new Content.FileRegion(p, offset, length);
  }

  @Override
  public long append(String key, long offset, InputStream data) {
    try {
      return appends.append(path(key), key, offset, data);
    } catch (IOException e) {
      throw failure("append", key, e);
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
      // Renamed while no append runs or can start: a chunk still arriving must not land in the blob.
      renameExclusive(from, to, uploadKey);
      Dirs.fsyncDir(to.getParent());
      Dirs.prune(root, from.getParent());
    } catch (IOException e) {
      throw failure("commit", key, e);
    }
  }

  private void renameExclusive(Path from, Path to, String uploadKey) throws IOException {
    try {
      appends.exclusive(from, uploadKey, ch -> {
        ch.force(true);
        for (int attempt = 0; ; attempt++) {
          try {
            Files.createDirectories(to.getParent());
            Dirs.rename(from, to);
            return;
          } catch (NoSuchFileException e) {
            if (attempt >= 3 || !Files.exists(from)) {
              throw e;
            }
          }
        }
      });
    } catch (NoSuchFileException e) {
      if (!Files.exists(from)) {
        throw new ObjectNotFoundException(uploadKey);
      }
      throw e;
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
        default -> deleted = attributes(p, key).isPresent() && Files.deleteIfExists(p);
      }
      if (deleted) {
        Dirs.prune(root, p.getParent());
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
      throw new InvalidKeyException(prefix); // BaseDriver refuses it first; never delete the root
    }
    if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
      return; // nothing below the prefix (a file there is the object "<prefix>" without its slash)
    }
    try {
      Dirs.deleteTree(d);
      Dirs.prune(root, d.getParent());
    } catch (IOException e) {
      throw failure("delete", prefix, e);
    }
  }

  @Override
  public void ping() {
    String problem = !Files.exists(root) ? "does not exist" : !Files.isDirectory(root) ? "is not a directory"
        : !Files.isWritable(root) ? "is not writable (permission denied)" : null;
    if (problem != null) {
      String message = "storage root " + root + " " + problem;
      throw new StorageException(message, message, null);
    }
  }

  private static boolean isTemp(String name) {
    return name.length() == TEMP_NAME_LENGTH && name.startsWith(TEMP);
  }

  private ReentrantLock stripe(Path p) {
    return stripes[Math.floorMod(p.hashCode(), stripes.length)];
  }

  private static StorageException failure(String op, String key, IOException e) {
    return FilesystemErrors.failure(op, key, e);
  }
}
