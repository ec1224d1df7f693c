package dev.berth.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Where SHA-256 digests come from. On the JVM: the JDK's, which HotSpot compiles to the CPU's SHA
 * instructions. The native executable replaces {@link #create} (see {@code Target_Sha256}) with
 * {@link LibcryptoSha256}: the image builder compiles the JDK's Java SHA-256 without those
 * instructions, at a third of HotSpot's speed, while libcrypto picks its code at run time.
 */
final class Sha256 {
  private Sha256() {}

  static MessageDigest create() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
