package dev.berth.storage.filesystem;

import dev.berth.storage.StorageException;
import dev.berth.storage.StorageFullException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/** Turns I/O failures into {@link StorageException}s whose reason says the cause in words. */
final class FilesystemErrors {
  private FilesystemErrors() {}

  /** A failed operation on a key; a full disk or quota is a {@link StorageFullException}. */
  static StorageException failure(String op, String key, IOException e) {
    String words = words(e);
    String message = op + " " + key + " failed: " + words;
    if (isFull(e)) {
      return new StorageFullException(message, "storage is full (" + words + ")", e);
    }
    return new StorageException(message, "storage " + op + " failed: " + words, e);
  }

  /** Why the root can't be created, as an operator would say it, never just the path. */
  static StorageException cannotCreateRoot(Path root, IOException e) {
    Path inTheWay = fileInTheWay(root);
    String words = inTheWay != null ? "a file is in the way at " + inTheWay : words(e);
    String message = "cannot create storage root " + root + ": " + words;
    if (isFull(e)) {
      return new StorageFullException(message, message, e);
    }
    return new StorageException(message, message, e);
  }

  /** The root or the nearest existing directory above it, when that is not a directory. */
  private static Path fileInTheWay(Path root) {
    for (Path p = root; p != null; p = p.getParent()) {
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p)) {
        return Files.isDirectory(p) ? null : p;
      }
    }
    return null;
  }

  static boolean isFull(IOException e) {
    String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return text.contains("no space left on device") || text.contains("disk quota exceeded");
  }

  /** The cause in a few words: {@code permission denied at <path>}, {@code read-only file system}. */
  static String words(IOException e) {
    String at = e instanceof FileSystemException f && f.getFile() != null ? " at " + f.getFile() : "";
    if (e instanceof AccessDeniedException) {
      return "permission denied" + at;
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory" + at;
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason().toLowerCase(Locale.ROOT) + at;
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.toLowerCase(Locale.ROOT);
  }
}
