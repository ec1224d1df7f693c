package dev.berth.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.config.BerthConfig;
import dev.berth.registry.Json;
import dev.berth.registry.ManifestService;
import dev.berth.registry.Page;
import dev.berth.registry.RepositoryName;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /v2/<name>/tags/list?n=&last=}: tags in lexical order, paginated with a
 * {@code Link} header.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-tags">listing tags</a>
 */
@Path("/v2")
public class TagResource {
  private final ManifestService manifests;
  private final BerthConfig config;

  public TagResource(ManifestService manifests, BerthConfig config) {
    this.manifests = manifests;
    this.config = config;
  }

  @GET
  @Path("/{name: .+}/tags/list")
  public Response list(@Context RoutingContext ctx, @QueryParam("n") String n, @QueryParam("last") String last) {
    RepositoryName repo = RegistryPath.of(ctx, RegistryPath.Kind.TAGS).name();
    int max = config.pagination().maxEntries();
    int size = Pagination.size(n, max, max);
    Page<String> page = manifests.tags(repo, last == null || last.isEmpty() ? null : last, size);
    ObjectNode body = Json.object().put("name", repo.value());
    page.items().forEach(body.putArray("tags")::add);
    Response.ResponseBuilder b = Response.ok(Json.bytes(body)).type("application/json");
    if (page.more() && !page.items().isEmpty()) {
      b.header("Link", Pagination.next("/v2/" + repo + "/tags/list", size, page.items().get(page.items().size() - 1)));
    }
    return b.build();
  }
}
