package dev.berth.ui;

import dev.berth.config.BerthConfig;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * With {@code berth.ui.enabled=false} nothing under {@code /ui} exists: pages and assets answer the
 * plain 404 of any unknown path, before a resource or the static files are looked at. With it on,
 * every {@code /ui} answer carries a content security policy that allows only Berth's own script
 * and style: should image data ever slip through unescaped, a browser still would not run it.
 */
@Singleton
public class UiGate {
  private final boolean enabled;

  public UiGate(BerthConfig config) {
    this.enabled = config.ui().enabled();
  }

  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
      + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  void register(@Observes Router router) {
    if (!enabled) {
      router.routeWithRegex("/ui(/.*)?").order(-950).handler(ctx -> ctx.response().setStatusCode(404)
          .putHeader("Content-Type", "text/plain").end("Not Found"));
      return;
    }
    router.routeWithRegex("/ui(/.*)?").order(-950).handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy", CSP).putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Referrer-Policy", "same-origin");
      ctx.next();
    });
  }
}
