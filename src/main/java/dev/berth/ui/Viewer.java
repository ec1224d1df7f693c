package dev.berth.ui;

import dev.berth.auth.AccessControl;
import dev.berth.auth.Action;
import dev.berth.auth.CredentialsHeader;
import dev.berth.auth.Identity;
import dev.berth.auth.TokenAccess;
import dev.berth.auth.TokenService;
import io.quarkus.qute.TemplateData;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Who is looking at a page: the one place the UI asks. A web UI session ({@link Sessions}) first,
 * else the request's own credentials (HTTP Basic, or a Bearer token of the token service), else
 * anonymous. Blocking (a sign-in may compute a bcrypt): call it on a worker thread.
 */
@Singleton
public class Viewer {
  private static final String KEY = "berth.ui.viewer";
  private final AccessControl access;
  private final TokenService tokens;
  private final Sessions sessions;
  private final Csrf csrf;
  private final DeletePolicy deletes;

  public Viewer(AccessControl access, TokenService tokens, Sessions sessions, Csrf csrf, DeletePolicy deletes) {
    this.access = access;
    this.tokens = tokens;
    this.sessions = sessions;
    this.csrf = csrf;
    this.deletes = deletes;
  }

  /**
   * The viewer of a page, with what the rules let them do; {@code token} is set when a Bearer token
   * decides, {@code session} when a web UI session does.
   */
  @TemplateData
  public record Looker(Identity identity, TokenAccess token, boolean authEnabled, AccessControl access,
      Optional<Session> session, Csrf csrfs, DeletePolicy deletes) {
    public boolean signedIn() {
      return identity.authenticated();
    }

    public String name() {
      return identity.toString();
    }

    public boolean may(Action action, String repository) {
      return token != null ? token.allows(action, repository) : access.allows(identity, action, repository);
    }

    public boolean mayPull(String repository) {
      return may(Action.PULL, repository);
    }

    public boolean mayDelete(String repository) {
      return may(Action.DELETE, repository);
    }

    /**
     * Whether pages offer deleting in the repository: the registry allows deletes there and the
     * rules allow this visitor. UI deletes act for the session (or anonymous), never for Basic or
     * Bearer credentials a browser attaches by itself, so those viewers get no delete button.
     */
    public boolean mayDeleteHere(String repository) {
      boolean asSession = session.isPresent() || (token == null && !identity.authenticated());
      return asSession && deletes.possible(repository) && mayDelete(repository);
    }

    /** Whether a web UI session says who this is (then the page offers to sign out). */
    public boolean hasSession() {
      return session.isPresent();
    }

    /** The CSRF token of this viewer's forms (sign-out, deletes). */
    public String csrf() {
      return csrfs.token(session);
    }
  }

  /**
   * Who sent the request: wrong or malformed credentials count as nobody (the page then offers to
   * sign in). Asked once per request; the answer is kept in the routing context.
   */
  public Looker of(RoutingContext ctx) {
    Looker seen = ctx.get(KEY);
    if (seen == null) {
      HttpServerRequest request = ctx.request();
      Optional<Session> session = sessions.current(request);
      TokenAccess token = session.isPresent() ? null : bearer(request);
      Identity who = session.map(Session::identity).orElseGet(() -> token != null ? token.identity() : basic(request));
      seen = new Looker(who, token, access.enabled(), access, session, csrf, deletes);
      ctx.put(KEY, seen);
    }
    return seen;
  }

  /** A viewer who is nobody in particular. */
  public Looker anonymous() {
    return new Looker(Identity.ANONYMOUS, null, access.enabled(), access, Optional.empty(), csrf, deletes);
  }

  private TokenAccess bearer(HttpServerRequest request) {
    String h = request.getHeader("Authorization");
    if (!access.enabled() || !tokens.enabled() || h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    try {
      return tokens.verify(h.substring(7).trim());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private Identity basic(HttpServerRequest request) {
    CredentialsHeader c = access.enabled() ? CredentialsHeader.parse(request.getHeader("Authorization")) : null;
    if (c == null || c == CredentialsHeader.INVALID) {
      return Identity.ANONYMOUS;
    }
    String user = c.user();
    String password = c.password();
    var seen = access.recentlyVerified(user, password);
    if (seen.isPresent()) {
      return seen.get();
    }
    String client = request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress();
    try {
      AccessControl.SignIn in = access.login(user, password, client);
      return in.outcome() == AccessControl.Login.OK ? in.identity() : Identity.ANONYMOUS;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Identity.ANONYMOUS;
    }
  }
}
