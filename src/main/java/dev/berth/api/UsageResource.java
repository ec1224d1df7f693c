package dev.berth.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.config.BerthConfig;
import dev.berth.registry.ErrorCode;
import dev.berth.registry.Json;
import dev.berth.registry.Page;
import dev.berth.registry.RegistryException;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.Usage;
import dev.berth.registry.UsageService;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

/**
 * Storage usage for the rules file's {@code admins} ({@link AuthGate}): {@code GET
 * /v2/_berth/usage?n=&last=} pages through the repositories like the catalog (each costs a walk
 * of its links, so pages are smaller: {@link #DEFAULT_PAGE} unless {@code n} says otherwise), the
 * first page also carries the registry's total; {@code GET /v2/_berth/usage/<name>} is one
 * repository.
 */
@Path("/v2/_berth/usage")
public class UsageResource {
  static final int DEFAULT_PAGE = 100;
  private static final String PATH = "/v2/_berth/usage";
  private final UsageService usage;
  private final BerthConfig config;

  public UsageResource(UsageService usage, BerthConfig config) {
    this.usage = usage;
    this.config = config;
  }

  @GET
  public Response list(@Context RoutingContext ctx, @QueryParam("n") String n, @QueryParam("last") String last) {
    RegistryPath.of(ctx, RegistryPath.Kind.ADMIN);
    int max = config.pagination().maxEntries();
    int size = Pagination.size(n, max, Math.min(DEFAULT_PAGE, max));
    boolean first = last == null || last.isEmpty();
    Page<Usage.Named> page = usage.repositories(first ? null : last, size);
    ObjectNode out = Json.object();
    ArrayNode all = out.putArray("repositories");
    page.items().forEach(r -> all.add(json(r.name(), r.usage())));
    if (first) {
      // walks every stored blob: once per listing, not once per page
      Usage total = usage.total();
      out.putObject("total").put("bytes", total.bytes()).put("blobs", total.blobs());
    }
    Response.ResponseBuilder b = Response.ok(Json.bytes(out)).type("application/json");
    if (page.more() && !page.items().isEmpty()) {
      b.header("Link", Pagination.next(PATH, size, page.items().get(page.items().size() - 1).name()));
    }
    return b.build();
  }

  @GET
  @Path("/{name: .+}")
  public Response repository(@Context RoutingContext ctx, @PathParam("name") String name) {
    RegistryPath.of(ctx, RegistryPath.Kind.ADMIN);
    RepositoryName repo = RepositoryName.parse(name);
    Usage u = usage.repository(repo)
        .orElseThrow(() -> new RegistryException(ErrorCode.NAME_UNKNOWN, "no repository " + repo));
    return Response.ok(Json.bytes(json(repo.value(), u))).type("application/json").build();
  }

  private static ObjectNode json(String name, Usage u) {
    return Json.object().put("name", name).put("bytes", u.bytes()).put("blobs", u.blobs()).put("manifests", u.manifests());
  }
}
