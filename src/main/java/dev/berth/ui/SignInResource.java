package dev.berth.ui;

import dev.berth.auth.AccessControl;
import dev.berth.auth.Identity;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import dev.berth.storage.StorageException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Signing in to the web UI with the registry's own accounts (htpasswd, in basic and token mode),
 * and out again. A sign-in goes through {@link AccessControl#login} like a Basic one, throttle
 * included; only accounts sign in here (robot secrets and CI tokens are for clients).
 */
@Path("/ui")
public class SignInResource {
  private static final Logger AUDIT = Logger.getLogger("dev.berth.audit");

  @CheckedTemplate
  static class Templates {
    /** The sign-in form; {@code error} is null or what went wrong, {@code then} where to go next. */
    static native TemplateInstance form(Viewer.Looker viewer, String host, String error, String user, String then);

    /** A page that only says something: a refusal, a confirmation. {@code signIn}: offer the sign-in link. */
    static native TemplateInstance notice(Viewer.Looker viewer, String host, String title, String message, boolean signIn);
  }

  private final AccessControl access;
  private final Sessions sessions;
  private final Csrf csrf;
  private final Viewer viewer;

  public SignInResource(AccessControl access, Sessions sessions, Csrf csrf, Viewer viewer) {
    this.access = access;
    this.sessions = sessions;
    this.csrf = csrf;
    this.viewer = viewer;
  }

  @GET
  @Path("/sign-in")
  public Response form(@Context RoutingContext ctx, @QueryParam("then") String then) {
    SessionPages pages = SessionPages.of(ctx, viewer);
    if (!sessions.enabled()) {
      return nothingToSignInTo(pages);
    }
    return pages.form(200, null, "", safeThen(then));
  }

  @POST
  @Path("/sign-in")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response signIn(@Context RoutingContext ctx, @FormParam("user") String user, @FormParam("password") String password,
      @FormParam("then") String then) throws InterruptedException {
    SessionPages pages = SessionPages.of(ctx, viewer);
    if (!sessions.enabled()) {
      return nothingToSignInTo(pages);
    }
    String crossSite = Csrf.crossSite(ctx.request());
    if (crossSite != null) {
      return pages.forbidden(crossSite);
    }
    String next = safeThen(then);
    String name = user == null ? "" : user.strip();
    if (name.isEmpty() || password == null || password.isEmpty()) {
      return pages.form(401, "Enter a user name and a password.", name, next);
    }
    String client = ctx.request().remoteAddress() == null ? "" : ctx.request().remoteAddress().hostAddress();
    AccessControl.SignIn s = access.login(name, password, client);
    switch (s.outcome()) {
      case THROTTLED -> {
        AUDIT.infof("throttled web UI sign-in of %s from %s", loggable(name), client);
        long wait = access.retryAfter(name, client);
        return Response.fromResponse(pages.notice(429, "Too many failed sign-ins",
            "Too many wrong passwords for this account from your address: try again in " + wait + " seconds.", false))
            .header("Retry-After", wait).build();
      }
      case WRONG -> {
        AUDIT.infof("failed web UI sign-in of %s from %s", loggable(name), client);
        return pages.form(401, "Wrong user name or password.", name, next);
      }
      default -> {
        Identity who = s.identity();
        Optional<String> fingerprint = who.robot() || who.external() ? Optional.empty() : access.fingerprint(who.name());
        if (fingerprint.isEmpty()) {
          return pages.form(401, "Robot secrets and CI tokens are for registry clients; sign in with an account.",
              "", next);
        }
        Sessions.Issued issued = sessions.issue(who.name(), fingerprint.get());
        return Response.seeOther(java.net.URI.create(next))
            .header("Set-Cookie", sessions.cookie(issued, Sessions.secure(ctx.request())))
            .header("Cache-Control", "no-store").build();
      }
    }
  }

  @POST
  @Path("/sign-out")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response signOut(@Context RoutingContext ctx, @FormParam(Csrf.FIELD) String token) {
    SessionPages pages = SessionPages.of(ctx, viewer);
    if (!sessions.enabled()) {
      return nothingToSignInTo(pages);
    }
    String crossSite = Csrf.crossSite(ctx.request());
    Optional<Session> session = sessions.current(ctx.request());
    if (crossSite != null || (session.isPresent() && !csrf.valid(session, token))) {
      return pages.forbidden(crossSite != null ? crossSite : SessionPages.BAD_TOKEN);
    }
    return Response.seeOther(java.net.URI.create("/ui/"))
        .header("Set-Cookie", Sessions.clearing(Sessions.secure(ctx.request())))
        .header("Cache-Control", "no-store").build();
  }

  private static Response nothingToSignInTo(SessionPages pages) {
    return pages.notice(404, "No sign-in",
        "Access control is off on this registry (berth.auth.mode=none): there are no accounts to sign in to,"
            + " and every visitor may do everything.", false);
  }

  /** A typed user name as the audit log shows it: account-name characters only, so a name can't forge log lines. */
  static String loggable(String name) {
    String n = name.length() > 128 ? name.substring(0, 128) : name;
    return n.replaceAll("[^A-Za-z0-9._@-]", "?");
  }

  @ServerExceptionMapper
  public Response storage(StorageException e, RoutingContext ctx) {
    return SessionPages.unavailable(e, ctx, viewer);
  }

  /** Where to go after signing in: a path of the UI only, never another site. */
  static String safeThen(String then) {
    if (then == null || !then.startsWith("/ui") || then.startsWith("//") || then.length() > 2000) {
      return "/ui/";
    }
    boolean uiPath = then.length() == 3 || then.charAt(3) == '/' || then.charAt(3) == '?';
    boolean plain = then.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '\\');
    if (!uiPath || !plain) {
      return "/ui/";
    }
    try {
      java.net.URI.create(then);
      return then;
    } catch (IllegalArgumentException e) {
      return "/ui/";
    }
  }
}
