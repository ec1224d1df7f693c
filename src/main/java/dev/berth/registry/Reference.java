package dev.berth.registry;

/** What follows {@code /manifests/}: a tag or a digest. */
public sealed interface Reference permits Reference.ByTag, Reference.ByDigest {

  /** A manifest named by tag. */
  record ByTag(Tag tag) implements Reference {
    @Override
    public String toString() {
      return tag.value();
    }
  }

  /** A manifest named by digest. */
  record ByDigest(Digest digest) implements Reference {
    @Override
    public String toString() {
      return digest.toString();
    }
  }

  /**
   * Parses a reference; text with a colon is a digest, anything else must be a valid tag.
   *
   * @throws RegistryException DIGEST_INVALID or TAG_INVALID (MANIFEST_INVALID-class 400s)
   */
  static Reference parse(String text) {
    if (text != null && Digest.looksLikeDigest(text)) {
      return new ByDigest(Digest.parse(text));
    }
    return new ByTag(new Tag(text));
  }
}
