package dev.berth.registry;

import java.security.MessageDigest;
import org.graalvm.nativeimage.PinnedObject;
import org.graalvm.nativeimage.c.function.CFunction;
import org.graalvm.word.PointerBase;

/**
 * SHA-256 by OpenSSL's libcrypto, statically linked into the native executable (the build links
 * libcrypto.a: application.properties). libcrypto chooses its code when the process starts, from
 * what the CPU reports: the SHA extensions where they exist, AVX2 or plain x86-64 code where they
 * don't, so one executable runs at full speed on new CPUs and still runs on old ones. The state
 * (OpenSSL's SHA256_CTX: plain integers, no pointers) lives in a Java array that is pinned only
 * for each call, so an abandoned digest is garbage like any other and nothing leaks. Never loaded
 * on the JVM.
 */
final class LibcryptoSha256 extends MessageDigest implements Cloneable {
  /** sizeof(SHA256_CTX) is 112 bytes on every OpenSSL since 0.9.8; the rest is slack. */
  private static final int CTX_BYTES = 128;

  private byte[] ctx = new byte[CTX_BYTES];

  LibcryptoSha256() {
    super("SHA-256");
    engineReset();
  }

  @CFunction("SHA256_Init")
  private static native int init(PointerBase ctx);

  @CFunction("SHA256_Update")
  private static native int update(PointerBase ctx, PointerBase data, long length);

  @CFunction("SHA256_Final")
  private static native int fin(PointerBase digest, PointerBase ctx);

  @Override
  protected void engineUpdate(byte input) {
    engineUpdate(new byte[] {input}, 0, 1);
  }

  @Override
  protected void engineUpdate(byte[] input, int offset, int len) {
    if (len == 0) {
      return;
    }
    try (PinnedObject c = PinnedObject.create(ctx); PinnedObject d = PinnedObject.create(input)) {
      update(c.addressOfArrayElement(0), d.addressOfArrayElement(offset), len);
    }
  }

  @Override
  protected byte[] engineDigest() {
    byte[] out = new byte[32];
    try (PinnedObject c = PinnedObject.create(ctx); PinnedObject o = PinnedObject.create(out)) {
      fin(o.addressOfArrayElement(0), c.addressOfArrayElement(0));
    }
    engineReset();
    return out;
  }

  @Override
  protected void engineReset() {
    try (PinnedObject c = PinnedObject.create(ctx)) {
      init(c.addressOfArrayElement(0));
    }
  }

  @Override
  protected int engineGetDigestLength() {
    return 32;
  }

  /** A copy with its own state: DigestCheckpoints keeps one as the upload's restore point. */
  @Override
  public Object clone() throws CloneNotSupportedException {
    LibcryptoSha256 copy = (LibcryptoSha256) super.clone();
    copy.ctx = ctx.clone();
    return copy;
  }
}
