package dev.berth.registry;

/**
 * What a repository (or the whole registry) holds: {@code bytes} of distinct blobs, each counted
 * once however many links point at it. For a repository {@code blobs} counts its layer links
 * (layers and configs) and {@code manifests} its manifests; for the registry ({@link
 * UsageService#total}) {@code blobs} counts every stored blob, manifests included.
 */
public record Usage(long bytes, long blobs, long manifests) {
  public Usage {
    if (bytes < 0 || blobs < 0 || manifests < 0) {
      throw new IllegalArgumentException("usage counts are never negative");
    }
  }

  /** One repository's usage. */
  public record Named(String name, Usage usage) {}
}
