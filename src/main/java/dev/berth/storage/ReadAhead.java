package dev.berth.storage;

import java.nio.file.Path;

/**
 * Asks the kernel to read a file ahead of the one who sends it. A blob written with O_DIRECT is
 * not in the page cache, and a cold sequential read gets only the kernel's small read-ahead
 * (128 KiB requests, one at a time): measured here, 8 concurrent pulls of just-pushed 1 GiB blobs
 * ran at 663 MiB/s, against 1,398 when the push had gone through the page cache. Telling the
 * kernel {@value #WINDOW} bytes ahead ({@code posix_fadvise(WILLNEED)}) read a cold 1 GiB file in
 * 0.48-0.53 s instead of 1.2-2.9 s. Java has no fadvise, so on the JVM this does nothing; the
 * native executable replaces {@link #open} (see {@code Target_ReadAhead}) with
 * {@link PosixReadAhead}. Asking for pages already cached costs a syscall per half window and no I/O.
 */
public class ReadAhead implements AutoCloseable {
  /** How far ahead of the reader the kernel is asked to read. */
  public static final long WINDOW = 8L << 20;
  private static final ReadAhead NONE = new ReadAhead();

  protected ReadAhead() {}

  /** Read-ahead for a file about to be read (never fails: the worst case is no read-ahead). */
  public static ReadAhead open(Path file) {
    return NONE;
  }

  /** The reader is at {@code position} of a read that ends at {@code end}. */
  public void at(long position, long end) {
    // nothing on the JVM
  }

  @Override
  public void close() {
    // nothing to release
  }
}
