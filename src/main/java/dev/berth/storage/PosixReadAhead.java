package dev.berth.storage;

import java.nio.file.Path;
import org.graalvm.nativeimage.c.function.CFunction;
import org.graalvm.nativeimage.c.type.CCharPointer;
import org.graalvm.nativeimage.c.type.CTypeConversion;

/**
 * {@link ReadAhead} by {@code posix_fadvise(POSIX_FADV_WILLNEED)} on a descriptor of its own: the
 * advice is about the file's pages, not the descriptor, so it helps whoever reads them. Asks for
 * the next window whenever less than half of the last one is left. Native executable only.
 */
final class PosixReadAhead extends ReadAhead {
  private static final int O_RDONLY_CLOEXEC = 02000000; // O_CLOEXEC, x86-64 and aarch64 Linux
  private static final int POSIX_FADV_WILLNEED = 3;

  private int fd;
  private long advisedTo;

  private PosixReadAhead(int fd) {
    this.fd = fd;
  }

  // Declared with the mode argument, as GraalVM's own libc headers declare it.
  @CFunction("open")
  private static native int open(CCharPointer path, int flags, int mode);

  @CFunction("posix_fadvise")
  private static native int fadvise(int fd, long offset, long length, int advice);

  @CFunction("close")
  private static native int closeFd(int fd);

  static ReadAhead openFile(Path file) {
    try (CTypeConversion.CCharPointerHolder p = CTypeConversion.toCString(file.toString())) {
      int fd = open(p.get(), O_RDONLY_CLOEXEC, 0);
      return fd < 0 ? new ReadAhead() : new PosixReadAhead(fd);
    }
  }

  @Override
  public void at(long position, long end) {
    if (fd < 0 || advisedTo - position > WINDOW / 2) {
      return;
    }
    long from = Math.max(position, advisedTo);
    long to = Math.min(end, position + WINDOW);
    if (to > from) {
      fadvise(fd, from, to - from, POSIX_FADV_WILLNEED); // advice: a failure costs only speed
      advisedTo = to;
    }
  }

  @Override
  public void close() {
    if (fd >= 0) {
      closeFd(fd);
      fd = -1;
    }
  }
}
