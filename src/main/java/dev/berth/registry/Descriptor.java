package dev.berth.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A content descriptor: what a manifest says about a blob or another manifest.
 *
 * @see <a href="https://github.com/opencontainers/image-spec/blob/main/descriptor.md">descriptors</a>
 */
public record Descriptor(String mediaType, Digest digest, long size, String artifactType, JsonNode annotations, boolean foreign) {

  /**
   * Reads a descriptor from a manifest.
   *
   * @throws RegistryException MANIFEST_INVALID when a required field is missing or malformed
   */
  static Descriptor parse(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw ErrorCode.MANIFEST_INVALID.with(where + " is not a descriptor");
    }
    String mediaType = Json.text(node, "mediaType");
    String digest = Json.text(node, "digest");
    JsonNode size = node.get("size");
    if (mediaType == null || digest == null || size == null || !size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 0) {
      throw ErrorCode.MANIFEST_INVALID.with(where + " needs mediaType, digest and size");
    }
    Digest d;
    try {
      d = Digest.parse(digest);
    } catch (RegistryException e) {
      throw ErrorCode.MANIFEST_INVALID.with(where + ": " + e.detail());
    }
    JsonNode annotations = node.get("annotations");
    // Foreign (non-distributable) layers live elsewhere: the registry need not hold them.
    boolean foreign = (node.has("urls") && node.get("urls").isArray() && node.get("urls").size() > 0)
        || mediaType.contains(".foreign.") || mediaType.contains(".nondistributable.");
    return new Descriptor(mediaType, d, size.asLong(), Json.text(node, "artifactType"),
        annotations != null && annotations.isObject() ? annotations : null, foreign);
  }

  public ObjectNode toJson() {
    ObjectNode n = Json.object().put("mediaType", mediaType).put("digest", digest.toString()).put("size", size);
    if (artifactType != null) {
      n.put("artifactType", artifactType);
    }
    if (annotations != null) {
      n.set("annotations", annotations);
    }
    return n;
  }
}
