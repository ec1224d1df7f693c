package dev.berth.api;

import dev.berth.registry.Digest;
import dev.berth.registry.ReferrersService;
import dev.berth.registry.ReferrersService.Referrers;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.MediaTypes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /v2/<name>/referrers/<digest>?artifactType=}: an image index of the manifests that
 * name the digest as their subject; empty (never 404) when there are none.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-referrers">listing referrers</a>
 */
@Path("/v2")
public class ReferrersResource {
  private final ReferrersService referrers;

  public ReferrersResource(ReferrersService referrers) {
    this.referrers = referrers;
  }

  @GET
  @Path("/{name: .+}/referrers/{digest}")
  public Response list(@Context RoutingContext ctx, @QueryParam("artifactType") String artifactType) {
    RegistryPath p = RegistryPath.of(ctx, RegistryPath.Kind.REFERRERS);
    RepositoryName repo = p.name();
    Digest d = Digest.parse(p.segment());
    Referrers r = referrers.list(repo, d, artifactType == null || artifactType.isEmpty() ? null : artifactType);
    Response.ResponseBuilder b = Response.ok(r.index()).type(MediaTypes.OCI_INDEX);
    if (r.filtered()) {
      b.header("OCI-Filters-Applied", "artifactType");
    }
    return b.build();
  }
}
