package dev.berth.ui;

import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.core.Response;

/** How the sign-in and delete pages are answered: HTML, never cached, never framed by another site. */
final class SessionPages {
  static final String BAD_TOKEN = "The form's security token is missing or not this session's: reload the page and try again.";

  private SessionPages() {}

  static Response html(int status, TemplateInstance page) {
    return Response.status(status).entity(page).type("text/html;charset=UTF-8")
        .header("Cache-Control", "no-store")
        // A confirmation page in another site's invisible frame could be clicked through.
        .header("Content-Security-Policy", "frame-ancestors 'none'")
        .header("X-Frame-Options", "DENY")
        .build();
  }

  /** 403: a forged or stale form, or a delete the rules don't allow. */
  static Response forbidden(String why) {
    return html(403, SignInResource.Templates.notice("Not allowed", why, false));
  }
}
