package dev.berth.registry;

import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;
import java.security.MessageDigest;

/** Native executable only: SHA-256 from the libcrypto linked into it (see {@link Sha256}). */
@TargetClass(Sha256.class)
final class Target_Sha256 {
  private Target_Sha256() {}

  @Substitute
  static MessageDigest create() {
    return new LibcryptoSha256();
  }
}
