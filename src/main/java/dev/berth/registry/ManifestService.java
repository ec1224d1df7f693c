package dev.berth.registry;

import dev.berth.storage.Precondition;
import dev.berth.storage.PreconditionFailedException;
import dev.berth.storage.SmallObject;
import dev.berth.storage.StorageDriver;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Manifests and tags of a repository: push with validation, pull by tag or digest, delete.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-manifests">pushing manifests</a>
 */
@Singleton
public class ManifestService {
  private final StorageDriver storage;
  private final BlobService blobs;
  private final ImmutableTags immutable;
  private final ManifestCache cache = new ManifestCache(16L << 20);

  public ManifestService(StorageDriver storage, BlobService blobs, ImmutableTags immutable) {
    this.storage = storage;
    this.blobs = blobs;
    this.immutable = immutable;
  }

  /** A stored manifest: the exact bytes pushed, their digest and media type. */
  public record StoredManifest(Digest digest, String mediaType, byte[] bytes) {}

  /** What a push stored: the digest, media type and size, the subject when there is one, and the tags it set. */
  public record PushResult(Digest digest, String mediaType, long size, Optional<Digest> subject, List<Tag> tags) {}

  /**
   * Reads a manifest of the repository.
   *
   * @throws RegistryException MANIFEST_UNKNOWN when the repository has no such tag or manifest
   */
  public StoredManifest get(RepositoryName repo, Reference ref) {
    Digest digest = resolve(repo, ref);
    SmallObject link = storage.getSmall(StorageLayout.manifestLink(repo, digest))
        .orElseThrow(() -> ErrorCode.MANIFEST_UNKNOWN.with("unknown manifest " + ref));
    byte[] bytes = cache.get(digest);
    if (bytes == null) {
      bytes = blobs.getSmall(digest).orElseThrow(() -> ErrorCode.MANIFEST_UNKNOWN.with("unknown manifest " + ref));
      cache.put(digest, bytes);
    }
    return new StoredManifest(digest, new String(link.data(), StandardCharsets.UTF_8), bytes);
  }

  private Digest resolve(RepositoryName repo, Reference ref) {
    if (ref instanceof Reference.ByDigest d) {
      return d.digest();
    }
    Tag tag = ((Reference.ByTag) ref).tag();
    byte[] target = storage.getSmall(StorageLayout.tag(repo, tag))
        .orElseThrow(() -> ErrorCode.MANIFEST_UNKNOWN.with("unknown tag " + tag)).data();
    return Digest.parse(new String(target, StandardCharsets.US_ASCII));
  }

  /**
   * Validates and stores a manifest, then points the tags at it.
   *
   * @param ref the tag or digest of the URL
   * @param extraTags tags from {@code ?tag=} parameters
   * @throws RegistryException DIGEST_INVALID when the body does not match a digest reference;
   *     MANIFEST_INVALID; MANIFEST_BLOB_UNKNOWN when a config or layer is not in the repository;
   *     also when an index names a manifest the repository does not have; DENIED when an
   *     immutable tag names another manifest
   */
  public PushResult put(RepositoryName repo, Reference ref, String contentType, byte[] body, List<Tag> extraTags) {
    DigestAlgorithm algorithm = ref instanceof Reference.ByDigest d ? d.digest().algorithm() : DigestAlgorithm.SHA256;
    Digest digest = Digest.of(algorithm, body);
    if (ref instanceof Reference.ByDigest d && !d.digest().equals(digest)) {
      throw ErrorCode.DIGEST_INVALID.with("manifest has digest " + digest + ", not " + d.digest());
    }
    Manifest m = Manifest.parse(body, contentType);
    Set<Tag> tags = new LinkedHashSet<>();
    if (ref instanceof Reference.ByTag t) {
      tags.add(t.tag());
    }
    tags.addAll(extraTags);
    immutable.checkPush(repo, tags, digest, t -> target(repo, t));
    // Pin every blob, then check it, then link: the protocol in BlobMarkers, which also says why
    // the link must be written before the earliest pin's deadline (else pin and check again).
    while (pinAndCheck(repo, digest, body, m).expired()) {
      // a push slower than 3/4 of berth.gc.grace: GC may have judged these blobs meanwhile
    }
    storage.putSmall(StorageLayout.manifestLink(repo, digest), m.mediaType().getBytes(StandardCharsets.UTF_8), Precondition.NONE);
    if (m.subject().isPresent()) {
      Descriptor self = new Descriptor(m.mediaType(), digest, body.length, m.artifactType(), m.annotations(), false);
      storage.putSmall(StorageLayout.referrer(repo, m.subject().get().digest(), digest), Json.bytes(self.toJson()), Precondition.NONE);
    }
    byte[] target = digest.toString().getBytes(StandardCharsets.US_ASCII);
    for (Tag t : tags) {
      Optional<String> rule = immutable.ruleFor(repo, t);
      if (rule.isEmpty()) {
        storage.putSmall(StorageLayout.tag(repo, t), target, Precondition.NONE);
      } else if (target(repo, t).isEmpty()) {
        try { // create-only: of two racing first pushes, one wins and the other is refused
          storage.putSmall(StorageLayout.tag(repo, t), target, Precondition.IF_ABSENT);
        } catch (PreconditionFailedException e) {
          immutable.checkPush(repo, Set.of(t), digest, x -> target(repo, x));
        }
      }
    }
    return new PushResult(digest, m.mediaType(), body.length, m.subject().map(Descriptor::digest), List.copyOf(tags));
  }

  private BlobMarkers.Pin pinAndCheck(RepositoryName repo, Digest digest, byte[] body, Manifest m) {
    Instant deadline = Instant.MAX;
    for (Descriptor b : m.blobs()) {
      if (b.foreign()) {
        continue;
      }
      Optional<BlobMarkers.Pin> pin = blobs.pin(b.digest());
      if (pin.isEmpty() || !blobs.exists(repo, b.digest())) {
        throw ErrorCode.MANIFEST_BLOB_UNKNOWN.with("blob unknown to repository: " + b.digest());
      }
      deadline = min(deadline, pin.get().deadline());
    }
    for (Descriptor c : m.children()) {
      Optional<BlobMarkers.Pin> pin = blobs.pin(c.digest());
      if (pin.isEmpty() || storage.stat(StorageLayout.manifestLink(repo, c.digest())).isEmpty()) {
        throw ErrorCode.MANIFEST_BLOB_UNKNOWN.with("manifest unknown to repository: " + c.digest());
      }
      deadline = min(deadline, pin.get().deadline());
    }
    BlobMarkers.Pin self = blobs.putSmall(digest, body);
    cache.put(digest, body);
    return new BlobMarkers.Pin(min(deadline, self.deadline()));
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /**
   * Deletes a tag (the manifest stays), or a manifest by digest with every tag pointing at it.
   *
   * @return the digest of the manifest the tag pointed at, or of the manifest deleted
   * @throws RegistryException MANIFEST_UNKNOWN when there is no such tag or manifest; UNSUPPORTED
   *     for an immutable tag, or a manifest one names
   */
  public Digest delete(RepositoryName repo, Reference ref) {
    if (ref instanceof Reference.ByTag t) {
      String key = StorageLayout.tag(repo, t.tag());
      Optional<SmallObject> target = storage.getSmall(key);
      if (target.isPresent()) {
        immutable.ruleFor(repo, t.tag()).ifPresent(rule -> {
          throw ImmutableTags.delete(t.tag(), rule);
        });
      }
      if (target.isEmpty() || !storage.delete(key, Precondition.NONE)) {
        throw ErrorCode.MANIFEST_UNKNOWN.with("unknown tag " + t.tag());
      }
      return Digest.parse(new String(target.get().data(), StandardCharsets.US_ASCII));
    }
    Digest digest = ((Reference.ByDigest) ref).digest();
    String link = StorageLayout.manifestLink(repo, digest);
    if (storage.stat(link).isEmpty()) {
      throw ErrorCode.MANIFEST_UNKNOWN.with("unknown manifest " + digest);
    }
    if (immutable.any(repo)) {
      immutable.checkDelete(repo, Listings.all(storage, StorageLayout.tags(repo)), digest, t -> target(repo, t));
    }
    untag(repo, digest);
    subjectOf(digest).ifPresent(s -> storage.delete(StorageLayout.referrer(repo, s, digest), Precondition.NONE));
    storage.delete(link, Precondition.NONE);
    return digest;
  }

  /** Deletes the repository's tags that point at the digest; a tag moved meanwhile is kept. */
  private void untag(RepositoryName repo, Digest digest) {
    byte[] target = digest.toString().getBytes(StandardCharsets.US_ASCII);
    for (String name : Listings.all(storage, StorageLayout.tags(repo))) {
      if (!Tag.isValid(name)) {
        continue;
      }
      String key = StorageLayout.tag(repo, new Tag(name));
      Optional<SmallObject> current = storage.getSmall(key);
      if (current.isPresent() && java.util.Arrays.equals(current.get().data(), target)) {
        try {
          storage.delete(key, Precondition.ifMatch(current.get().etag()));
        } catch (PreconditionFailedException e) {
          // Re-pointed by a concurrent push: it no longer names this manifest.
        }
      }
    }
  }

  /** The digest a tag names; empty when the tag doesn't exist. */
  private Optional<Digest> target(RepositoryName repo, Tag tag) {
    return storage.getSmall(StorageLayout.tag(repo, tag))
        .map(o -> Digest.parse(new String(o.data(), StandardCharsets.US_ASCII)));
  }

  private Optional<Digest> subjectOf(Digest digest) {
    return blobs.getSmall(digest).flatMap(bytes -> {
      try {
        return Manifest.parse(bytes, null).subject().map(Descriptor::digest);
      } catch (RegistryException e) {
        return Optional.empty();
      }
    });
  }

  /**
   * A page of the repository's tags in lexical order, after {@code last}.
   *
   * @param limit at most this many; negative for all
   * @throws RegistryException NAME_UNKNOWN when the repository does not exist
   */
  public Page<String> tags(RepositoryName repo, String last, int limit) {
    List<String> tags = new ArrayList<>();
    boolean more = false;
    String after = last;
    while (limit < 0 || tags.size() < limit) {
      int want = limit < 0 ? Listings.PAGE : Math.min(Listings.PAGE, limit - tags.size());
      var page = storage.list(StorageLayout.tags(repo), after, want);
      for (String n : page.names()) {
        if (!n.endsWith("/")) {
          tags.add(n);
        }
      }
      if (!page.truncated()) {
        break;
      }
      after = page.names().get(page.names().size() - 1);
      if (limit >= 0 && tags.size() >= limit) {
        more = true;
      }
    }
    if (tags.isEmpty() && storage.list(StorageLayout.repository(repo), null, 1).names().isEmpty()) {
      throw ErrorCode.NAME_UNKNOWN.with("repository " + repo + " is not known");
    }
    return new Page<>(tags, more);
  }
}
