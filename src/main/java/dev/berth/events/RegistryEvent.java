package dev.berth.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.Json;
import java.time.Instant;
import java.util.UUID;

/**
 * Something that happened to a repository, as the HTTP layer saw it succeed: plain strings, so
 * the events package needs nothing of the request. {@code tag}, {@code digest}, {@code mediaType}
 * and {@code subject} are null and {@code size} is -1 when the operation has none. Cache fills
 * ({@code action} {@code cache}) name their {@code upstream} and have no {@code actor}: the
 * pull-through cache fetched them, whoever's pull caused it; the other kinds have no upstream.
 */
public record RegistryEvent(Kind kind, String repository, String tag, String digest, String mediaType, long size,
    String subject, String actor, String upstream) {

  /** What happened; {@link #action()} is the word of {@code berth.events.endpoints.<endpoint>.actions}. */
  public enum Kind {
    MANIFEST_PUSHED("manifest.pushed", "push"),
    MANIFEST_DELETED("manifest.deleted", "delete"),
    TAG_DELETED("tag.deleted", "delete"),
    BLOB_DELETED("blob.deleted", "delete"),
    MANIFEST_PULLED("manifest.pulled", "pull"),
    /** A manifest the pull-through cache fetched from an upstream and stored. */
    MANIFEST_CACHED("manifest.cached", "cache"),
    /** A blob the pull-through cache fetched from an upstream and stored (its digest verified). */
    BLOB_CACHED("blob.cached", "cache");

    private final String type;
    private final String action;

    Kind(String type, String action) {
      this.type = type;
      this.action = action;
    }

    /** The CloudEvents {@code type}: {@code dev.berth.manifest.pushed}, ... */
    public String type() {
      return "dev.berth." + type;
    }

    public String action() {
      return action;
    }
  }

  /** An event of a request (no upstream). */
  public RegistryEvent(Kind kind, String repository, String tag, String digest, String mediaType, long size,
      String subject, String actor) {
    this(kind, repository, tag, digest, mediaType, size, subject, actor, null);
  }

  /** A cache fill: what the upstream {@code upstream} sent for {@code repository} (its prefixed name). */
  public static RegistryEvent cached(Kind kind, String repository, String tag, String digest, String mediaType, long size,
      String upstream) {
    return new RegistryEvent(kind, repository, tag, digest, mediaType, size, null, null, upstream);
  }

  /**
   * The event as a CloudEvents 1.0 JSON document (structured mode); {@code subject} (the
   * CloudEvents attribute) is {@code repository:tag} or {@code repository@digest}.
   *
   * @see <a href="https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md">JSON format</a>
   */
  byte[] toCloudEvent(String source, UUID id, Instant time) {
    ObjectNode e = Json.object()
        .put("specversion", "1.0")
        .put("type", kind.type())
        .put("source", source)
        .put("id", id.toString())
        .put("time", time.toString());
    if (tag != null || digest != null) {
      e.put("subject", repository + (tag != null ? ":" + tag : "@" + digest));
    }
    e.put("datacontenttype", "application/json");
    ObjectNode data = e.putObject("data").put("repository", repository);
    putIf(data, "tag", tag);
    putIf(data, "digest", digest);
    putIf(data, "mediaType", mediaType);
    if (size >= 0) {
      data.put("size", size);
    }
    putIf(data, "subject", subject);
    putIf(data, "actor", actor);
    putIf(data, "upstream", upstream);
    return Json.bytes(e);
  }

  private static void putIf(ObjectNode o, String name, String value) {
    if (value != null) {
      o.put(name, value);
    }
  }
}
