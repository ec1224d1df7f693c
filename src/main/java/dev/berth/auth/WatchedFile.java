package dev.berth.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * A file's parsed content, re-read when the file changes (its modification time or size), checked
 * at most once a second when asked: accounts and rules change with no restart (a Kubernetes
 * Secret or ConfigMap update replaces the file). A change that doesn't parse is logged once and
 * the last good content stays in force; at startup it is an error.
 */
final class WatchedFile<T> {
  private static final Logger LOG = Logger.getLogger(WatchedFile.class);
  private static final long CHECK_NANOS = 1_000_000_000L;

  private final Path path;
  private final String what;
  private final Function<String, T> parser;
  private volatile T value;
  private volatile String stamp;
  private volatile long checkedAt;

  /** @throws IllegalArgumentException when the file can't be read or parsed, with the cause */
  WatchedFile(Path path, String what, Function<String, T> parser) {
    this.path = path;
    this.what = what;
    this.parser = parser;
    this.stamp = stamp();
    this.value = read();
    this.checkedAt = System.nanoTime();
  }

  T get() {
    long now = System.nanoTime();
    if (now - checkedAt >= CHECK_NANOS) {
      synchronized (this) {
        if (now - checkedAt >= CHECK_NANOS) {
          checkedAt = now;
          reloadIfChanged();
        }
      }
    }
    return value;
  }

  private void reloadIfChanged() {
    String s;
    try {
      s = stamp();
    } catch (IllegalArgumentException e) {
      LOG.errorf("%s: %s; keeping the last good version", what, e.getMessage());
      return;
    }
    if (s.equals(stamp)) {
      return;
    }
    stamp = s;
    try {
      value = read();
      LOG.infof("%s %s re-read", what, path);
    } catch (IllegalArgumentException e) {
      LOG.errorf("%s: %s; keeping the last good version", what, e.getMessage());
    }
  }

  private String stamp() {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      return a.lastModifiedTime().toMillis() + ":" + a.size() + ":" + a.fileKey();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + what + " " + path + ": " + e.getClass().getSimpleName());
    }
  }

  private T read() {
    String text;
    try {
      text = Files.readString(path);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + what + " " + path + ": " + e.getClass().getSimpleName());
    }
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " " + path + ": " + e.getMessage());
    }
  }
}
