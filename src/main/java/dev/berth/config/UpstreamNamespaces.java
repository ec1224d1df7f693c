package dev.berth.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The namespaces ({@code ns=} values) an upstream serves: the configured ones, else its URL's
 * {@code host[:port]}, and for Docker Hub's registry ({@code registry-1.docker.io}) also
 * {@code docker.io}, the name containerd sends for it. Lower-case; shared by the start-up check
 * (no namespace claimed twice) and the routing.
 */
public final class UpstreamNamespaces {
  static final String DOCKER_HUB_REGISTRY = "registry-1.docker.io";

  private UpstreamNamespaces() {}

  /** @param configured the {@code namespaces} entries; null or empty: the defaults */
  public static List<String> of(String url, List<String> configured) {
    List<String> out = new ArrayList<>();
    if (configured != null && !configured.isEmpty()) {
      configured.forEach(n -> add(out, n));
      return out;
    }
    URI u = URI.create(url.trim());
    String host = u.getHost().toLowerCase(Locale.ROOT);
    add(out, u.getPort() < 0 ? host : host + ":" + u.getPort());
    if (host.equals(DOCKER_HUB_REGISTRY)) {
      add(out, "docker.io");
    }
    return out;
  }

  private static void add(List<String> out, String namespace) {
    String n = namespace.trim().toLowerCase(Locale.ROOT);
    if (!n.isEmpty() && !out.contains(n)) {
      out.add(n);
    }
  }
}
