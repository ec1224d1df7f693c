package dev.berth.registry;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest, {@code algorithm ":" hex}, parsed once at the edge.
 *
 * @see <a href="https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests">digests</a>
 */
public record Digest(DigestAlgorithm algorithm, String hex) implements Comparable<Digest> {
  // The image spec's grammar; anything else is not a digest at all.
  private static final Pattern GRAMMAR =
      Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");

  public Digest {
    if (!algorithm.accepts(hex)) {
      throw ErrorCode.DIGEST_INVALID.with("invalid " + algorithm.id() + " digest: " + DigestAlgorithm.clip(hex));
    }
  }

  /**
   * Parses {@code sha256:<64 hex>} or {@code sha512:<128 hex>}.
   *
   * @throws RegistryException DIGEST_INVALID when the text is not a supported digest
   */
  public static Digest parse(String text) {
    if (text == null || text.length() > 256 || !GRAMMAR.matcher(text).matches()) {
      throw ErrorCode.DIGEST_INVALID.with("invalid digest: " + DigestAlgorithm.clip(String.valueOf(text)));
    }
    int colon = text.indexOf(':');
    return new Digest(DigestAlgorithm.of(text.substring(0, colon)), text.substring(colon + 1));
  }

  /** Whether the text is a digest in form (used to tell digests from tags in a reference). */
  public static boolean looksLikeDigest(String text) {
    return text.indexOf(':') > 0;
  }

  public static Digest of(DigestAlgorithm algorithm, MessageDigest finished) {
    return new Digest(algorithm, HexFormat.of().formatHex(finished.digest()));
  }

  public static Digest of(DigestAlgorithm algorithm, byte[] content) {
    MessageDigest md = algorithm.newDigest();
    md.update(content);
    return of(algorithm, md);
  }

  @Override
  public String toString() {
    return algorithm.id() + ":" + hex;
  }

  @Override
  public int compareTo(Digest o) {
    return toString().compareTo(o.toString());
  }
}
