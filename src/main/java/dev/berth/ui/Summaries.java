package dev.berth.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.Digest;
import dev.berth.registry.Json;
import dev.berth.registry.ManifestService;
import dev.berth.registry.MediaTypes;
import dev.berth.registry.RegistryException;
import dev.berth.registry.Reference;
import dev.berth.registry.RepositoryName;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the pages say about a stored manifest: its kind, its size, its platforms; pure reading of its JSON. */
final class Summaries {
  /** An index's children summed for its size: past this many, the size says "at least". */
  static final int MAX_CHILDREN = 16;

  private Summaries() {}

  static JsonNode json(byte[] bytes) {
    try {
      JsonNode n = Json.parse(bytes);
      return n == null ? Json.object() : n;
    } catch (IOException e) {
      return Json.object(); // stored manifests were valid when pushed; show what can be shown
    }
  }

  static boolean isIndex(String mediaType) {
    return MediaTypes.INDEXES.contains(mediaType);
  }

  /** A short name for a manifest media type. */
  static String kind(String mediaType) {
    return switch (mediaType == null ? "" : mediaType) {
      case MediaTypes.OCI_INDEX -> "OCI index";
      case MediaTypes.OCI_MANIFEST -> "OCI image";
      case MediaTypes.DOCKER_MANIFEST -> "Docker image";
      case MediaTypes.DOCKER_MANIFEST_LIST -> "Docker manifest list";
      default -> mediaType;
    };
  }

  /** Config and layers of an image manifest. */
  static long imageSize(JsonNode m) {
    long total = m.path("config").path("size").asLong(0);
    for (JsonNode l : m.path("layers")) {
      total += l.path("size").asLong(0);
    }
    return total;
  }

  /** An index's platforms, as {@code os/arch[/variant]}; attestation entries (os "unknown") left out. */
  static List<String> platforms(JsonNode index) {
    List<String> out = new ArrayList<>();
    for (JsonNode c : index.path("manifests")) {
      String p = platform(c);
      if (!p.isEmpty() && !p.startsWith("unknown/")) {
        out.add(p);
      }
    }
    return out;
  }

  static String platform(JsonNode descriptor) {
    JsonNode p = descriptor.path("platform");
    if (!p.isObject()) {
      return "";
    }
    String s = p.path("os").asText("") + "/" + p.path("architecture").asText("");
    String variant = p.path("variant").asText("");
    return variant.isEmpty() ? s : s + "/" + variant;
  }

  /** An index's size: its children's images, read from storage (at most {@link #MAX_CHILDREN}). */
  static long indexSize(ManifestService manifests, RepositoryName repo, JsonNode index) {
    long total = 0;
    int n = 0;
    for (JsonNode c : index.path("manifests")) {
      if (++n > MAX_CHILDREN) {
        break;
      }
      try {
        Digest d = Digest.parse(c.path("digest").asText(""));
        ManifestService.StoredManifest child = manifests.get(repo, new Reference.ByDigest(d));
        total += isIndex(child.mediaType()) ? child.bytes().length : imageSize(json(child.bytes()));
      } catch (RegistryException e) {
        total += c.path("size").asLong(0); // a child not in this repository: count its manifest only
      }
    }
    return total;
  }

  /** A digest's algorithm and first 12 hex digits, for tables (the full one is its title). */
  static String shortDigest(String digest) {
    int colon = digest.indexOf(':');
    return colon < 0 || digest.length() <= colon + 13 ? digest : digest.substring(0, colon + 13) + "…";
  }

  /** Bytes for people: 1023 B, 4.2 MB (powers of 1000, as registries' UIs and docker show them). */
  static String bytes(long n) {
    if (n < 1000) {
      return n + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB", "PB"};
    double v = n;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
  }

  /** What a referrer is, for people: from its artifact type. */
  static String artifactKind(String artifactType) {
    String t = artifactType == null ? "" : artifactType.toLowerCase(Locale.ROOT);
    if (t.contains("signature") || t.contains("cosign") || t.contains("notary")) {
      return "signature";
    }
    if (t.contains("spdx") || t.contains("cyclonedx") || t.contains("sbom") || t.contains("syft")) {
      return "SBOM";
    }
    if (t.contains("in-toto") || t.contains("attestation") || t.contains("provenance") || t.contains("vuln")) {
      return "attestation";
    }
    return "artifact";
  }
}
