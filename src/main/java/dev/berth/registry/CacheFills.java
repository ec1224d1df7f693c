package dev.berth.registry;

import dev.berth.registry.ManifestService.StoredManifest;
import dev.berth.storage.ObjectInfo;
import dev.berth.storage.Precondition;
import dev.berth.storage.StorageDriver;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * What a pull-through cache ({@code dev.berth.proxy}) writes: manifests an upstream served,
 * stored in the repository layout under the prefixed name like pushed ones, so they survive
 * restarts and every replica sees them. Unlike a push, a fill doesn't need the manifest's blobs to
 * be there yet: they are fetched when a client asks for them.
 */
@Singleton
public class CacheFills {
  private final StorageDriver storage;
  private final BlobService blobs;

  public CacheFills(StorageDriver storage, BlobService blobs) {
    this.storage = storage;
    this.blobs = blobs;
  }

  /** A cached tag: the manifest it names and when it was last fetched or found unchanged upstream. */
  public record CachedTag(Digest digest, Instant checked) {}

  public Optional<CachedTag> tag(RepositoryName repo, Tag tag) {
    String key = StorageLayout.tag(repo, tag);
    Optional<ObjectInfo> info = storage.stat(key);
    if (info.isEmpty()) {
      return Optional.empty();
    }
    return storage.getSmall(key).map(o -> new CachedTag(Digest.parse(new String(o.data(), StandardCharsets.US_ASCII)),
        info.get().modified()));
  }

  /** Whether the repository has the manifest (its link and its bytes). */
  public boolean hasManifest(RepositoryName repo, Digest digest) {
    return storage.stat(StorageLayout.manifestLink(repo, digest)).isPresent()
        && storage.stat(StorageLayout.blobData(digest)).isPresent();
  }

  /**
   * Stores a manifest the upstream served (its digest already verified) and points the tag at it,
   * which also records when the tag was checked.
   *
   * @throws RegistryException MANIFEST_INVALID when it is no manifest Berth supports
   */
  public StoredManifest storeManifest(RepositoryName repo, Digest digest, String contentType, byte[] bytes, Optional<Tag> tag) {
    Manifest m = Manifest.parse(bytes, contentType);
    blobs.putSmall(digest, bytes);
    storage.putSmall(StorageLayout.manifestLink(repo, digest), m.mediaType().getBytes(StandardCharsets.UTF_8), Precondition.NONE);
    if (m.subject().isPresent()) {
      Descriptor self = new Descriptor(m.mediaType(), digest, bytes.length, m.artifactType(), m.annotations(), false);
      storage.putSmall(StorageLayout.referrer(repo, m.subject().get().digest(), digest), Json.bytes(self.toJson()), Precondition.NONE);
    }
    tag.ifPresent(t -> checked(repo, t, digest));
    return new StoredManifest(digest, m.mediaType(), bytes);
  }

  /** Records that the upstream's tag still names {@code digest} (the tag object's time is when). */
  public void checked(RepositoryName repo, Tag tag, Digest digest) {
    storage.putSmall(StorageLayout.tag(repo, tag), digest.toString().getBytes(StandardCharsets.US_ASCII), Precondition.NONE);
  }
}
