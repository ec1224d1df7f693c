package dev.berth.storage;

import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;
import java.nio.file.Path;

/** Native executable only: read-ahead by posix_fadvise (see {@link ReadAhead}). */
@TargetClass(ReadAhead.class)
final class Target_ReadAhead {
  private Target_ReadAhead() {}

  @Substitute
  static ReadAhead open(Path file) {
    return PosixReadAhead.openFile(file);
  }
}
