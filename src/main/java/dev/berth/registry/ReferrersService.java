package dev.berth.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.storage.StorageDriver;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * The referrers of a manifest: the manifests of a repository whose {@code subject} is its digest,
 * indexed one small object per referrer when they are pushed.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-referrers">listing referrers</a>
 */
@Singleton
public class ReferrersService {
  private final StorageDriver storage;

  public ReferrersService(StorageDriver storage) {
    this.storage = storage;
  }

  /** An image index of the referrers, possibly filtered by artifact type; never absent. */
  public record Referrers(byte[] index, boolean filtered) {}

  public Referrers list(RepositoryName repo, Digest subject, String artifactType) {
    ArrayNode manifests = Json.object().arrayNode();
    for (String entry : Listings.all(storage, StorageLayout.referrers(repo, subject))) {
      JsonNode descriptor = descriptor(repo, subject, entry);
      if (descriptor == null) {
        continue;
      }
      if (artifactType == null || artifactType.equals(Json.text(descriptor, "artifactType"))) {
        manifests.add(descriptor);
      }
    }
    ObjectNode index = Json.object()
        .put("schemaVersion", 2)
        .put("mediaType", MediaTypes.OCI_INDEX);
    index.set("manifests", manifests);
    return new Referrers(Json.bytes(index), artifactType != null);
  }

  /** The stored descriptor, or null when the entry is stale (its manifest was deleted meanwhile). */
  private JsonNode descriptor(RepositoryName repo, Digest subject, String entry) {
    int dash = entry.indexOf('-');
    if (dash < 0 || entry.endsWith("/")) {
      return null;
    }
    Digest referrer;
    try {
      referrer = Digest.parse(entry.substring(0, dash) + ":" + entry.substring(dash + 1));
    } catch (RegistryException e) {
      return null;
    }
    if (storage.stat(StorageLayout.manifestLink(repo, referrer)).isEmpty()) {
      return null;
    }
    return storage.getSmall(StorageLayout.referrer(repo, subject, referrer)).map(o -> {
      try {
        return Json.parse(o.data());
      } catch (IOException e) {
        return null;
      }
    }).orElse(null);
  }
}
