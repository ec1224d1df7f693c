package dev.berth.registry;

/** An upload session of a repository and the number of bytes it holds so far. */
public record Upload(String uuid, RepositoryName repository, DigestAlgorithm algorithm, long size) {

  /** The value of the {@code Range} header: {@code 0-<last byte>} ({@code 0-0} when empty). */
  public String range() {
    return "0-" + Math.max(0, size - 1);
  }

  Upload withSize(long newSize) {
    return new Upload(uuid, repository, algorithm, newSize);
  }
}
