package dev.berth.ui;

import dev.berth.storage.StorageException;
import io.quarkus.qute.TemplateInstance;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

/**
 * How the sign-in and delete pages of one request are answered: in the UI's layout (which shows
 * who is looking), as HTML that is never cached and never framed by another site (UiGate adds the content security policy).
 */
final class SessionPages {
  private static final Logger LOG = Logger.getLogger(SessionPages.class);
  static final String BAD_TOKEN = "The form's security token is missing or not this session's: reload the page and try again.";

  final Viewer.Looker viewer;
  final String host;

  private SessionPages(Viewer.Looker viewer, String host) {
    this.viewer = viewer;
    this.host = host;
  }

  static SessionPages of(RoutingContext ctx, Viewer viewer) {
    return new SessionPages(viewer.of(ctx), UiResource.host(ctx));
  }

  static Response html(int status, TemplateInstance page) {
    return Response.status(status).entity(page).type("text/html;charset=UTF-8")
        .header("Cache-Control", "no-store")
        // A confirmation page in another site's invisible frame could be clicked through: UiGate's
        // policy says frame-ancestors 'none'; this header tells browsers that predate CSP.
        .header("X-Frame-Options", "DENY")
        .build();
  }

  Response form(int status, String error, String user, String then) {
    return html(status, SignInResource.Templates.form(viewer, host, error, user, then));
  }

  /** A page that only says something; {@code signIn}: offer the sign-in link. */
  Response notice(int status, String title, String message, boolean signIn) {
    return html(status, SignInResource.Templates.notice(viewer, host, title, message, signIn));
  }

  /** 503: storage (where the session key is) can't be reached; the page says so in one sentence. */
  static Response unavailable(StorageException e, RoutingContext ctx, Viewer viewer) {
    LOG.warnf("ui: storage failure: %s", e.reason());
    // Viewer.of reads the session key too: render for nobody rather than ask storage again.
    return html(503, SignInResource.Templates.notice(viewer.anonymous(), UiResource.host(ctx), "Unavailable",
        "Storage is not available right now; try again shortly.", false));
  }

  /** 403: a forged or stale form, or a delete the rules don't allow. */
  Response forbidden(String why) {
    return notice(403, "Not allowed", why, false);
  }
}
