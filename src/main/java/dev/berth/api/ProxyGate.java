package dev.berth.api;

import dev.berth.proxy.ProxyService;
import dev.berth.registry.ErrorCode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * Repositories of the pull-through cache are read-only to clients: after access control (so the
 * rules apply to their prefixed names as to any), every write to one (uploads, manifest PUT,
 * DELETE) answers {@code 405 UNSUPPORTED}.
 */
@Singleton
public class ProxyGate {
  private final ProxyService proxy;

  public ProxyGate(ProxyService proxy) {
    this.proxy = proxy;
  }

  void register(@Observes Router router) {
    router.route().order(-800).handler(this::handle);
  }

  private void handle(RoutingContext ctx) {
    RegistryPath p = ctx.get(RegistryPath.KEY);
    HttpMethod m = ctx.request().method();
    if (p != null && p.name() != null && m != HttpMethod.GET && m != HttpMethod.HEAD && proxy.proxied(p.name())) {
      RequestGate.send(ctx, new Errors.Answer(405, ErrorCode.UNSUPPORTED,
          "repository " + p.name() + " is a pull-through cache of an upstream: it can't be written to", Map.of()));
      return;
    }
    ctx.next();
  }
}
