package dev.berth.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.regex.Pattern;

/** The digest algorithms Berth verifies content with. */
public enum DigestAlgorithm {
  SHA256("sha256", "SHA-256", 64),
  SHA512("sha512", "SHA-512", 128);

  private final String id;
  private final String jcaName;
  private final int hexLength;
  private final Pattern encoded;

  DigestAlgorithm(String id, String jcaName, int hexLength) {
    this.id = id;
    this.jcaName = jcaName;
    this.hexLength = hexLength;
    this.encoded = Pattern.compile("[a-f0-9]{" + hexLength + "}");
  }

  /** The name used in digests, {@code sha256}. */
  public String id() {
    return id;
  }

  public int hexLength() {
    return hexLength;
  }

  boolean accepts(String hex) {
    return encoded.matcher(hex).matches();
  }

  public MessageDigest newDigest() {
    if (this == SHA256) {
      return Sha256.create();
    }
    try {
      return MessageDigest.getInstance(jcaName);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(jcaName + " is part of every Java runtime", e);
    }
  }

  /**
   * The algorithm with that id.
   *
   * @throws RegistryException DIGEST_INVALID for an algorithm Berth does not support
   */
  public static DigestAlgorithm of(String id) {
    for (DigestAlgorithm a : values()) {
      if (a.id.equals(id)) {
        return a;
      }
    }
    throw ErrorCode.DIGEST_INVALID.with("unsupported digest algorithm: " + clip(String.valueOf(id).toLowerCase(Locale.ROOT)));
  }

  public static String clip(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
