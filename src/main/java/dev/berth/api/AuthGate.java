package dev.berth.api;

import dev.berth.auth.AccessControl;
import dev.berth.auth.Action;
import dev.berth.auth.CredentialsHeader;
import dev.berth.auth.Identity;
import dev.berth.auth.TokenAccess;
import dev.berth.auth.TokenService;
import dev.berth.config.BerthConfig;
import dev.berth.registry.ErrorCode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Access control on every {@code /v2} route, after {@link RequestGate} parsed the path: read-only
 * mode refuses writes; with auth on, the request's account is signed in (bcrypt off the event
 * loop, with the request paused) and the action its route needs is checked against the rules.
 * Anonymous and refused: 401 with a challenge, so the client signs in; signed in and refused: 403.
 */
@Singleton
public class AuthGate {
  static final String IDENTITY = "berth.identity";
  static final String TOKEN = "berth.token";
  private static final Logger AUDIT = Logger.getLogger("dev.berth.audit");

  private final AccessControl access;
  private final TokenService tokens;
  private final boolean readOnly;
  private final HttpMetrics metrics;

  public AuthGate(AccessControl access, TokenService tokens, BerthConfig config, HttpMetrics metrics) {
    this.access = access;
    this.tokens = tokens;
    this.readOnly = config.readOnly();
    this.metrics = metrics;
  }

  void register(@Observes Router router) {
    router.route().order(-900).handler(this::handle);
  }

  /** Who sent the request (anonymous when auth is off or no credentials came). */
  static Identity identity(RoutingContext ctx) {
    Identity id = ctx.get(IDENTITY);
    return id == null ? Identity.ANONYMOUS : id;
  }

  /** The caller's address, as sign-ins are throttled by it ("" when unknown). */
  static String client(RoutingContext ctx) {
    return ctx.request().remoteAddress() == null ? "" : ctx.request().remoteAddress().hostAddress();
  }

  /** Whether this request may read {@code repository} (a mount's source): by its token, else by the rules. */
  static boolean mayPull(RoutingContext ctx, AccessControl access, String repository) {
    TokenAccess token = ctx.get(TOKEN);
    return token != null ? token.allows(Action.PULL, repository) : access.allows(identity(ctx), Action.PULL, repository);
  }

  private void handle(RoutingContext ctx) {
    RegistryPath path = ctx.get(RegistryPath.KEY);
    if (path == null) {
      ctx.next();
      return;
    }
    HttpMethod m = ctx.request().method();
    boolean read = m == HttpMethod.GET || m == HttpMethod.HEAD;
    if (readOnly && !read) {
      RequestGate.send(ctx, new Errors.Answer(405, ErrorCode.UNSUPPORTED, "this registry is read-only", Map.of()));
      return;
    }
    if (!access.enabled()) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    if (tokens.enabled() && header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      TokenAccess token;
      try {
        token = tokens.verify(header.substring(7).trim());
      } catch (IllegalArgumentException e) {
        metrics.authFailure(HttpMetrics.AuthFailure.INVALID_TOKEN);
        challenge(ctx, path, "invalid_token", "token " + e.getMessage());
        return;
      }
      decide(ctx, path, token);
      return;
    }
    CredentialsHeader c = CredentialsHeader.parse(header);
    if (c == null) {
      decide(ctx, path, Identity.ANONYMOUS);
      return;
    }
    if (c == CredentialsHeader.INVALID) {
      metrics.authFailure(HttpMetrics.AuthFailure.WRONG_CREDENTIALS);
      challenge(ctx, path, null, "malformed credentials");
      return;
    }
    Optional<Identity> seen = access.recentlyVerified(c.user(), c.password());
    if (seen.isPresent()) {
      decide(ctx, path, seen.get());
    } else {
      String client = client(ctx);
      ctx.request().pause();
      ctx.vertx().executeBlocking(() -> access.login(c.user(), c.password(), client), false).onComplete(ar -> {
        // Resumed on the event loop, before the next handler: buffered body data is delivered
        // only once that handler is listening.
        ctx.request().resume();
        if (ar.failed()) {
          RequestGate.send(ctx, Errors.of(ar.cause()));
        } else if (ar.result().outcome() == AccessControl.Login.OK) {
          decide(ctx, path, ar.result().identity());
        } else if (ar.result().outcome() == AccessControl.Login.THROTTLED) {
          AUDIT.infof("throttled sign-in of %s from %s", c.user(), client);
          metrics.authFailure(HttpMetrics.AuthFailure.THROTTLED);
          RequestGate.send(ctx, new Errors.Answer(429, ErrorCode.TOOMANYREQUESTS, "too many failed sign-ins; try again later",
              Map.of("Retry-After", Long.toString(access.retryAfter(c.user(), client)))));
        } else {
          AUDIT.infof("failed sign-in of %s from %s", c.user(), client);
          metrics.authFailure(HttpMetrics.AuthFailure.WRONG_CREDENTIALS);
          challenge(ctx, path, null, "wrong user name or password");
        }
      });
    }
  }

  private void decide(RoutingContext ctx, RegistryPath path, Identity who) {
    ctx.put(IDENTITY, who);
    boolean allowed = switch (path.kind()) {
      case BASE -> who.authenticated();
      case CATALOG -> access.allowsCatalog(who);
      case ADMIN -> access.isAdmin(who);
      default -> access.allows(who, action(path, ctx.request().method()), path.name().value());
    };
    if (allowed) {
      ctx.next();
    } else if (!who.authenticated()) {
      challenge(ctx, path, null, "sign in to " + (path.kind() == RegistryPath.Kind.BASE ? "use this registry" : "do this"));
    } else {
      AUDIT.infof("denied %s %s to %s", ctx.request().method(), ctx.request().path(), who);
      metrics.authFailure(HttpMetrics.AuthFailure.DENIED);
      RequestGate.send(ctx, new Errors.Answer(403, ErrorCode.DENIED, "not allowed for " + who, Map.of()));
    }
  }

  /** With a token, its {@code access} claim decides; a refusal is a challenge for the scope needed (a client then asks for it). */
  private void decide(RoutingContext ctx, RegistryPath path, TokenAccess token) {
    Identity who = token.identity();
    ctx.put(IDENTITY, who);
    ctx.put(TOKEN, token);
    boolean allowed = switch (path.kind()) {
      case BASE -> true;
      case CATALOG -> token.allowsCatalog();
      case ADMIN -> token.allowsAdmin();
      default -> token.allows(action(path, ctx.request().method()), path.name().value());
    };
    if (allowed) {
      ctx.next();
      return;
    }
    if (who.authenticated()) {
      AUDIT.infof("denied %s %s to %s (token scope)", ctx.request().method(), ctx.request().path(), who);
      metrics.authFailure(HttpMetrics.AuthFailure.DENIED);
    }
    RequestGate.send(ctx, new Errors.Answer(401, who.authenticated() ? ErrorCode.DENIED : ErrorCode.UNAUTHORIZED,
        "the token does not allow this", Map.of("WWW-Authenticate", Challenges.of(ctx, path, access, tokens, "insufficient_scope"))));
  }

  /** The action a route needs: uploads (their status and cancel too) are push; every other DELETE is delete. */
  static Action action(RegistryPath path, HttpMethod m) {
    boolean upload = path.kind() == RegistryPath.Kind.UPLOAD_START || path.kind() == RegistryPath.Kind.UPLOAD;
    if (upload) {
      return Action.PUSH;
    }
    if (m == HttpMethod.DELETE) {
      return Action.DELETE;
    }
    return m == HttpMethod.GET || m == HttpMethod.HEAD ? Action.PULL : Action.PUSH;
  }

  private void challenge(RoutingContext ctx, RegistryPath path, String error, String detail) {
    RequestGate.send(ctx, new Errors.Answer(401, ErrorCode.UNAUTHORIZED, detail,
        Map.of("WWW-Authenticate", Challenges.of(ctx, path, access, tokens, error))));
  }
}
