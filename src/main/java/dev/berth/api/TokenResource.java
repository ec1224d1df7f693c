package dev.berth.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.auth.AccessControl;
import dev.berth.auth.CredentialsHeader;
import dev.berth.auth.Identity;
import dev.berth.auth.Scope;
import dev.berth.auth.TokenService;
import dev.berth.registry.Json;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The built-in token service ({@code berth.auth.mode=token}): {@code GET /token} with Basic
 * credentials (or none, for what anonymous may do), as docker and skopeo ask, and the OAuth2
 * {@code POST /token} form ({@code grant_type=password} or {@code refresh_token}) that
 * containerd and docker use. The token holds the requested scopes cut down to the rules.
 *
 * @see <a href="https://distribution.github.io/distribution/spec/auth/token/">token authentication</a>
 * @see <a href="https://distribution.github.io/distribution/spec/auth/oauth/">OAuth2 token</a>
 */
@Path("/token")
public class TokenResource {
  private final AccessControl access;
  private final TokenService tokens;

  public TokenResource(AccessControl access, TokenService tokens) {
    this.access = access;
    this.tokens = tokens;
  }

  @GET
  public Response get(@Context RoutingContext ctx, @QueryParam("service") String service, @QueryParam("scope") List<String> scope,
      @QueryParam("offline_token") String offline) throws InterruptedException {
    Asked asked = asked(service, scope);
    if (asked.refusal() != null) {
      return asked.refusal();
    }
    List<Scope> scopes = asked.scopes();
    CredentialsHeader c = CredentialsHeader.parse(ctx.request().getHeader("Authorization"));
    Identity who = Identity.ANONYMOUS;
    if (c == CredentialsHeader.INVALID) {
      return unauthorized("malformed credentials");
    }
    if (c != null) {
      Signed signed = signIn(ctx, c.user(), c.password());
      if (signed.refusal() != null) {
        return signed.refusal();
      }
      who = signed.who();
    }
    TokenService.Issued t = tokens.issue(who, scopes, "true".equals(offline));
    ObjectNode body = Json.object().put("token", t.token()).put("access_token", t.token())
        .put("expires_in", t.expiresIn()).put("issued_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    t.refreshToken().ifPresent(r -> body.put("refresh_token", r));
    return json(200, body);
  }

  @POST
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response post(@Context RoutingContext ctx, @FormParam("grant_type") String grant, @FormParam("service") String service,
      @FormParam("scope") List<String> scope, @FormParam("username") String user, @FormParam("password") String password,
      @FormParam("refresh_token") String refresh, @FormParam("access_type") String accessType) throws InterruptedException {
    Asked asked = asked(service, scope);
    if (asked.refusal() != null) {
      return asked.refusal();
    }
    List<Scope> scopes = asked.scopes();
    Identity who;
    String keep = null;
    if ("password".equals(grant) && user != null && password != null) {
      Signed signed = signIn(ctx, user, password);
      if (signed.refusal() != null) {
        return signed.refusal();
      }
      who = signed.who();
    } else if ("refresh_token".equals(grant) && refresh != null) {
      Optional<Identity> id = tokens.redeem(refresh);
      if (id.isEmpty()) {
        return error(401, "invalid_grant", "the refresh token is not valid (expired, or the account changed)");
      }
      who = id.get();
      keep = refresh;
    } else {
      return error(400, "unsupported_grant_type", "grant_type password (with username, password) or refresh_token");
    }
    TokenService.Issued t = tokens.issue(who, scopes, keep == null && "offline".equals(accessType));
    ObjectNode body = Json.object().put("access_token", t.token()).put("token", t.token()).put("expires_in", t.expiresIn())
        .put("issued_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
        .put("scope", String.join(" ", t.granted().stream().map(Scope::toString).toList()));
    String r = keep != null ? keep : t.refreshToken().orElse(null);
    if (r != null) {
      body.put("refresh_token", r);
    }
    return json(200, body);
  }

  /** The scopes a token request asks for, or why it is refused before any sign-in. */
  private record Asked(List<Scope> scopes, Response refusal) {}

  private Asked asked(String service, List<String> scope) {
    if (!tokens.enabled()) {
      return new Asked(null, Response.status(404).entity("Not Found").type("text/plain").build());
    }
    if (service != null && !service.isEmpty() && !service.equals(tokens.service())) {
      return new Asked(null, error(400, "invalid_request", "this token service is for service '" + tokens.service() + "'"));
    }
    try {
      return new Asked(Scope.parseAll(scope), null);
    } catch (IllegalArgumentException e) {
      return new Asked(null, error(400, "invalid_scope", e.getMessage()));
    }
  }

  /** Who signed in, or the answer that refuses them. */
  private record Signed(Identity who, Response refusal) {}

  private Signed signIn(RoutingContext ctx, String user, String password) throws InterruptedException {
    String client = AuthGate.client(ctx);
    AccessControl.SignIn s = access.login(user, password, client);
    return switch (s.outcome()) {
      case OK -> new Signed(s.identity(), null);
      case THROTTLED -> new Signed(null, Response.fromResponse(error(429, "slow_down", "too many failed sign-ins; try again later"))
          .header("Retry-After", access.retryAfter(user, client)).build());
      case WRONG -> new Signed(null, unauthorized("wrong user name or password"));
    };
  }

  private Response unauthorized(String why) {
    return Response.fromResponse(error(401, "invalid_grant", why))
        .header("WWW-Authenticate", "Basic realm=\"" + access.realm() + "\", charset=\"UTF-8\"").build();
  }

  private static Response error(int status, String error, String description) {
    return json(status, Json.object().put("error", error).put("error_description", description));
  }

  private static Response json(int status, ObjectNode body) {
    return Response.status(status).entity(Json.bytes(body)).type("application/json").header("Cache-Control", "no-store").build();
  }
}
