package dev.berth.proxy;

import dev.berth.config.BerthConfig;
import dev.berth.config.UpstreamNamespaces;
import dev.berth.registry.RepositoryName;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The spec's {@code ns=} query parameter: containerd pulling {@code docker.io/library/alpine}
 * through a mirror asks {@code /v2/library/alpine/...?ns=docker.io}; the upstream whose
 * namespaces ({@code berth.proxy.upstreams.<name>.namespaces}) hold {@code docker.io} serves it
 * as {@code <name>/library/alpine}, the cache prefixed pulls use. A namespace no upstream has is
 * ignored: the pull is served as if no {@code ns} was given, which is what the spec expects of
 * registries that don't know it.
 */
@Singleton
public class Namespaces {
  /** Namespace -> upstream name ({@link UpstreamNamespaces#owners}). */
  private final Map<String, String> upstreams;

  public Namespaces(BerthConfig config) {
    Map<String, String> urls = new HashMap<>();
    Map<String, List<String>> listed = new HashMap<>();
    config.proxy().upstreams().forEach((name, u) -> {
      urls.put(name, u.url());
      u.namespaces().ifPresent(l -> listed.put(name, l));
    });
    this.upstreams = UpstreamNamespaces.owners(urls, listed);
  }

  /** A namespace request: the namespace as configured, and the repository that serves it. */
  public record Route(String namespace, RepositoryName repo) {}

  /**
   * Where a pull of {@code requested} with {@code ?ns=<ns>} is served from; empty when {@code ns}
   * is absent or names no upstream (or the prefixed name would be too long to store).
   */
  public Optional<Route> route(RepositoryName requested, String ns) {
    if (ns == null || upstreams.isEmpty()) {
      return Optional.empty();
    }
    String namespace = ns.trim().toLowerCase(Locale.ROOT);
    String upstream = upstreams.get(namespace);
    if (upstream == null || upstream.length() + 1 + requested.value().length() > RepositoryName.MAX_LENGTH) {
      return Optional.empty();
    }
    return Optional.of(new Route(namespace, new RepositoryName(upstream + "/" + requested.value())));
  }
}
