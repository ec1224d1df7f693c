package dev.berth.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A parsed, structurally valid manifest or index: what the registry needs to check its
 * references and index its subject.
 */
public record Manifest(String mediaType, List<Descriptor> blobs, List<Descriptor> children,
    Optional<Descriptor> subject, String artifactType, JsonNode annotations) {

  /**
   * Parses a pushed manifest. The media type comes from its {@code mediaType} field, else from
   * {@code Content-Type}, else from its shape; the two must agree when both are given.
   *
   * @throws RegistryException MANIFEST_INVALID for anything that is not a supported manifest
   */
  public static Manifest parse(byte[] body, String contentType) {
    JsonNode root;
    try {
      root = Json.parseStrict(body);
    } catch (IOException e) {
      throw ErrorCode.MANIFEST_INVALID.with("manifest is not one valid JSON object (trailing bytes or a duplicate key?)");
    }
    if (root == null || !root.isObject()) {
      throw ErrorCode.MANIFEST_INVALID.with("manifest is not a JSON object");
    }
    JsonNode schema = root.get("schemaVersion");
    if (schema == null || !schema.isInt() || schema.asInt() != 2) {
      throw ErrorCode.MANIFEST_INVALID.with("unsupported schemaVersion (only 2 is accepted)");
    }
    String declared = Descriptor.optionalText(root, "mediaType", "");
    String header = MediaTypes.base(contentType);
    String mediaType = mediaTypeOf(root, declared, header);

    boolean index = MediaTypes.INDEXES.contains(mediaType);
    if (index ? root.has("config") || root.has("layers") : root.has("manifests")) {
      throw ErrorCode.MANIFEST_INVALID.with("manifest fields do not match media type " + mediaType);
    }
    List<Descriptor> blobs = new ArrayList<>();
    List<Descriptor> children = new ArrayList<>();
    if (index) {
      JsonNode manifests = root.get("manifests");
      if (manifests == null || !manifests.isArray()) {
        throw ErrorCode.MANIFEST_INVALID.with("an index needs a manifests array");
      }
      for (int i = 0; i < manifests.size(); i++) {
        children.add(Descriptor.parse(manifests.get(i), "manifests[" + i + "]"));
      }
    } else {
      blobs.add(Descriptor.parse(root.get("config"), "config"));
      JsonNode layers = root.get("layers");
      if (layers == null || !layers.isArray()) {
        throw ErrorCode.MANIFEST_INVALID.with("a manifest needs a layers array");
      }
      for (int i = 0; i < layers.size(); i++) {
        blobs.add(Descriptor.parse(layers.get(i), "layers[" + i + "]"));
      }
    }
    Optional<Descriptor> subject = root.has("subject")
        ? Optional.of(Descriptor.parse(root.get("subject"), "subject")) : Optional.empty();
    String artifactType = Descriptor.optionalText(root, "artifactType", "");
    if (artifactType == null && !index) {
      artifactType = blobs.get(0).mediaType(); // the spec's fallback: the config's media type
    }
    return new Manifest(mediaType, blobs, children, subject, artifactType, Descriptor.annotations(root, "annotations"));
  }

  private static String mediaTypeOf(JsonNode root, String declared, String header) {
    if (declared != null) {
      if (!MediaTypes.isSupported(declared)) {
        throw ErrorCode.MANIFEST_INVALID.with("unsupported manifest media type " + DigestAlgorithm.clip(declared));
      }
      if (header != null && MediaTypes.isSupported(header) && !header.equals(declared)) {
        throw ErrorCode.MANIFEST_INVALID.with("Content-Type " + header + " does not match mediaType " + declared);
      }
      return declared;
    }
    if (header != null && MediaTypes.isSupported(header)) {
      return header;
    }
    if (header != null && !header.equals("application/json") && !header.equals("application/octet-stream")) {
      throw ErrorCode.MANIFEST_INVALID.with("unsupported manifest media type " + DigestAlgorithm.clip(header));
    }
    // No type given at all: OCI documents may omit it, so tell them apart by shape.
    return root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
  }
}
