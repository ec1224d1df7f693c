package dev.berth.api;

import dev.berth.auth.AccessControl;
import dev.berth.auth.Action;
import dev.berth.auth.TokenService;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * {@code WWW-Authenticate} values: Basic in basic mode; in token mode a Bearer challenge naming
 * the token endpoint, the service and the scope the refused request needs, as the Docker token
 * specification has clients read it.
 *
 * @see <a href="https://distribution.github.io/distribution/spec/auth/token/">token authentication</a>
 */
final class Challenges {
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,255}");

  private Challenges() {}

  static String of(RoutingContext ctx, RegistryPath path, AccessControl access, TokenService tokens, String error) {
    if (!tokens.enabled()) {
      return "Basic realm=\"" + access.realm() + "\", charset=\"UTF-8\"";
    }
    StringBuilder b = new StringBuilder("Bearer realm=\"").append(realm(ctx, tokens)).append("\",service=\"")
        .append(tokens.service()).append('"');
    String scope = scope(path, ctx);
    if (scope != null) {
      b.append(",scope=\"").append(scope).append('"');
    }
    if (error != null) {
      b.append(",error=\"").append(error).append('"');
    }
    return b.toString();
  }

  /** The configured realm, else {@code /token} where this request came in. */
  static String realm(RoutingContext ctx, TokenService tokens) {
    return tokens.realm().orElseGet(() -> {
      String host = ctx.request().getHeader("Host");
      if (host == null || !HOST.matcher(host).matches()) {
        host = "localhost";
      }
      return ctx.request().scheme() + "://" + host + "/token";
    });
  }

  /** The scope a request on this path needs, as a token request asks for it. */
  static String scope(RegistryPath path, RoutingContext ctx) {
    return switch (path.kind()) {
      case BASE -> null;
      case CATALOG -> "registry:catalog:*";
      case ADMIN -> "registry:admin:*";
      default -> {
        Action a = AuthGate.action(path, ctx.request().method());
        String actions = a == Action.PULL ? "pull" : a == Action.PUSH ? "pull,push" : "delete";
        yield "repository:" + path.name().value() + ":" + actions;
      }
    };
  }
}
