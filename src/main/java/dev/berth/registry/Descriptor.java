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
    JsonNode annotations = annotations(node, where + ".annotations");
    // Foreign (non-distributable) layers live elsewhere: the registry need not hold them.
    boolean foreign = (node.has("urls") && node.get("urls").isArray() && node.get("urls").size() > 0)
        || mediaType.contains(".foreign.") || mediaType.contains(".nondistributable.");
    return new Descriptor(mediaType, d, size.asLong(), optionalText(node, "artifactType", where + "."), annotations, foreign);
  }

  /**
   * An optional string field.
   *
   * @throws RegistryException MANIFEST_INVALID when it is there but not a string
   */
  static String optionalText(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v != null && !v.isTextual()) {
      throw ErrorCode.MANIFEST_INVALID.with(where + field + " must be a string");
    }
    return v == null ? null : v.asText();
  }

  /**
   * The {@code annotations} of a manifest or descriptor: absent, or a map of strings to strings
   * (image spec), which is what every reader of the manifest expects.
   *
   * @throws RegistryException MANIFEST_INVALID for anything else
   */
  static JsonNode annotations(JsonNode node, String where) {
    JsonNode a = node.get("annotations");
    if (a == null || a.isNull()) {
      return null;
    }
    if (!a.isObject()) {
      throw ErrorCode.MANIFEST_INVALID.with(where + " must be an object of strings");
    }
    var fields = a.fields();
    while (fields.hasNext()) {
      var f = fields.next();
      if (!f.getValue().isTextual()) {
        throw ErrorCode.MANIFEST_INVALID.with(where + "." + DigestAlgorithm.clip(f.getKey()) + " must be a string");
      }
    }
    return a;
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
