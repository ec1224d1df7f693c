package dev.berth.ui;

import dev.berth.config.BerthConfig;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * With {@code berth.ui.enabled=false} nothing under {@code /ui} exists: pages and assets answer the
 * plain 404 of any unknown path, before a resource or the static files are looked at.
 */
@Singleton
public class UiGate {
  private final boolean enabled;

  public UiGate(BerthConfig config) {
    this.enabled = config.ui().enabled();
  }

  void register(@Observes Router router) {
    if (!enabled) {
      router.routeWithRegex("/ui(/.*)?").order(-950).handler(ctx -> ctx.response().setStatusCode(404)
          .putHeader("Content-Type", "text/plain").end("Not Found"));
    }
  }
}
