package dev.berth.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.auth.AccessControl;
import dev.berth.auth.Action;
import dev.berth.auth.Identity;
import dev.berth.config.BerthConfig;
import dev.berth.registry.CatalogService;
import dev.berth.registry.Json;
import dev.berth.registry.Page;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.Path;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

/**
 * {@code /v2/} (the API check every client starts with) and {@code /v2/_catalog}.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#determining-support">determining support</a>
 */
@Path("/v2")
public class BaseResource {
  private static final byte[] EMPTY_OBJECT = {'{', '}'};
  private final CatalogService catalog;
  private final BerthConfig config;
  private final AccessControl access;

  public BaseResource(CatalogService catalog, BerthConfig config, AccessControl access) {
    this.catalog = catalog;
    this.config = config;
    this.access = access;
  }

  @GET
  public Response base() {
    return Response.ok(EMPTY_OBJECT).type("application/json").build();
  }

  @HEAD
  public Response baseHead() {
    return Response.ok().type("application/json").header("Content-Length", EMPTY_OBJECT.length).build();
  }

  @GET
  @Path("/_catalog")
  public Response catalog(@Context RoutingContext ctx, @QueryParam("n") String n, @QueryParam("last") String last) {
    int max = config.pagination().maxEntries();
    int size = Pagination.size(n, max, max);
    Identity who = AuthGate.identity(ctx);
    // The catalog shows only what its reader may pull: a name is information too.
    Page<String> page = catalog.list(last == null || last.isEmpty() ? null : last, size,
        name -> access.allows(who, Action.PULL, name));
    ObjectNode body = Json.object();
    page.items().forEach(body.putArray("repositories")::add);
    Response.ResponseBuilder b = Response.ok(Json.bytes(body)).type("application/json");
    if (page.more() && !page.items().isEmpty()) {
      b.header("Link", Pagination.next("/v2/_catalog", size, page.items().get(page.items().size() - 1)));
    }
    return b.build();
  }
}
