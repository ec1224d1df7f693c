package dev.berth.api;

import dev.berth.proxy.Namespaces;
import dev.berth.proxy.ProxyService;
import dev.berth.registry.RepositoryName;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * The repository a pull (manifest GET/HEAD, blob GET/HEAD) is served from: with an {@code ns=}
 * an upstream has, that upstream's prefixed repository, and the answer carries
 * {@code OCI-Namespace}; else mirror mode's rule ({@link ProxyService#served}), which blob HEADs
 * skip. Access control has already judged the name the client asked for.
 */
@Singleton
public class PullRoutes {
  static final String NAMESPACE_HEADER = "OCI-Namespace";
  private final Namespaces namespaces;
  private final ProxyService proxy;

  public PullRoutes(Namespaces namespaces, ProxyService proxy) {
    this.namespaces = namespaces;
    this.proxy = proxy;
  }

  /** @param mirror whether mirror mode may route it (not for blob HEADs: pushers ask them) */
  RepositoryName served(RoutingContext ctx, RepositoryName requested, boolean mirror) {
    Optional<Namespaces.Route> r = namespaces.route(requested, ctx.request().getParam("ns"));
    if (r.isPresent()) {
      ctx.response().putHeader(NAMESPACE_HEADER, r.get().namespace());
      return r.get().repo();
    }
    return mirror ? proxy.served(requested) : requested;
  }
}
