package dev.berth.registry;

import java.util.Locale;
import java.util.Set;

/** The manifest media types Berth stores. */
public final class MediaTypes {
  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final Set<String> INDEXES = Set.of(DOCKER_MANIFEST_LIST, OCI_INDEX);
  public static final Set<String> MANIFESTS = Set.of(DOCKER_MANIFEST, OCI_MANIFEST);

  private MediaTypes() {}

  public static boolean isSupported(String mediaType) {
    return INDEXES.contains(mediaType) || MANIFESTS.contains(mediaType);
  }

  /** The media type of a {@code Content-Type} value, without parameters, lower case; null stays null. */
  public static String base(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semi = contentType.indexOf(';');
    String t = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    return t.isEmpty() ? null : t;
  }
}
