package dev.berth.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.auth.Grant;
import dev.berth.auth.Robot;
import dev.berth.auth.Robots;
import dev.berth.registry.ErrorCode;
import dev.berth.registry.Json;
import dev.berth.registry.RegistryException;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Berth's admin API for robot accounts, for the rules file's {@code admins} only ({@link AuthGate}):
 * {@code POST /v2/_berth/tokens} makes one and answers its secret (that once), {@code GET} lists
 * them (never a secret or its hash), {@code DELETE /v2/_berth/tokens/<id>} revokes one.
 */
@Path("/v2/_berth/tokens")
public class RobotResource {
  private static final int MAX_BODY = 64 * 1024;
  private final Robots robots;

  public RobotResource(Robots robots) {
    this.robots = robots;
  }

  @POST
  public Response create(@Context RoutingContext ctx, byte[] body) {
    RegistryPath.of(ctx, RegistryPath.Kind.ADMIN);
    if (body == null || body.length == 0 || body.length > MAX_BODY) {
      throw invalid("a JSON body: {\"name\": ..., \"repositories\": [...], \"actions\": [...], \"expires\": \"P90D\"}");
    }
    Robots.Created c;
    try {
      JsonNode req = Json.parse(body);
      String name = req.path("name").asText("");
      Grant grant = Robots.grant(strings(req.path("repositories")), strings(req.path("actions")));
      Instant expires = Robots.expiry(req.hasNonNull("expires") ? req.get("expires").asText() : null, Instant.now());
      c = robots.create(name, grant, expires, AuthGate.identity(ctx).toString());
    } catch (IOException e) {
      throw invalid("the body is not JSON");
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
    ObjectNode out = shown(c.robot()).put("secret", c.secret());
    return Response.status(201).entity(Json.bytes(out)).type("application/json")
        .header("Location", "/v2/_berth/tokens/" + c.robot().id()).header("Cache-Control", "no-store").build();
  }

  @GET
  public Response list(@Context RoutingContext ctx) {
    RegistryPath.of(ctx, RegistryPath.Kind.ADMIN);
    ObjectNode out = Json.object();
    ArrayNode all = out.putArray("robots");
    robots.list().forEach(r -> all.add(shown(r)));
    return Response.ok(Json.bytes(out)).type("application/json").build();
  }

  @GET
  @Path("/{id}")
  public Response get(@Context RoutingContext ctx, @PathParam("id") String id) {
    RegistryPath.of(ctx, RegistryPath.Kind.ADMIN);
    Robot r = robots.get(id).orElseThrow(() -> new RegistryException(ErrorCode.ROBOT_UNKNOWN, "no robot account " + id));
    return Response.ok(Json.bytes(shown(r))).type("application/json").build();
  }

  @DELETE
  @Path("/{id}")
  public Response revoke(@Context RoutingContext ctx, @PathParam("id") String id) {
    RegistryPath.of(ctx, RegistryPath.Kind.ADMIN);
    if (!robots.revoke(id, AuthGate.identity(ctx).toString())) {
      throw new RegistryException(ErrorCode.ROBOT_UNKNOWN, "no robot account " + id);
    }
    return Response.noContent().build();
  }

  private static ObjectNode shown(Robot r) {
    return r.json(false).put("expired", r.expired(Instant.now()));
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static RegistryException invalid(String detail) {
    return new RegistryException(ErrorCode.ROBOT_INVALID, detail);
  }
}
