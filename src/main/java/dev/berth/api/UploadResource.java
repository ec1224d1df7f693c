package dev.berth.api;

import dev.berth.auth.AccessControl;
import dev.berth.config.BerthConfig;
import dev.berth.registry.BlobService;
import dev.berth.registry.Digest;
import dev.berth.registry.DigestAlgorithm;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.UploadService;
import dev.berth.registry.Upload;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/**
 * Upload sessions without a body: {@code POST /v2/<name>/blobs/uploads/} (a new session or a
 * cross-repository mount), then {@code GET} (status) and {@code DELETE} (cancel) on the session's
 * location. The requests that carry bytes are {@link UploadRoutes}.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-blobs">pushing blobs</a>
 */
@Path("/v2")
public class UploadResource {
  private final UploadService uploads;
  private final BlobService blobs;
  private final BerthConfig config;

  private final AccessControl access;

  public UploadResource(UploadService uploads, BlobService blobs, BerthConfig config, AccessControl access) {
    this.uploads = uploads;
    this.blobs = blobs;
    this.config = config;
    this.access = access;
  }

  @POST
  @Path("/{name: .+}/blobs/uploads/")
  public Response start(@Context RoutingContext ctx, @QueryParam("mount") String mount,
      @QueryParam("from") String from, @QueryParam("digest-algorithm") String algorithm) {
    RepositoryName repo = RegistryPath.of(ctx, RegistryPath.Kind.UPLOAD_START).name();
    if (mount != null && !mount.isEmpty()) {
      Digest d = Digest.parse(mount);
      // A mount reads the source repository: without pull there, it is an ordinary upload (the
      // spec's answer when a mount can't be done), which reveals nothing about the source.
      RepositoryName source = from == null || from.isEmpty() ? null : RepositoryName.parse(from);
      if (source != null && AuthGate.mayPull(ctx, access, source.value()) && blobs.mount(repo, d, source)) {
        return created(repo, d);
      }
      return session(uploads.start(repo, d.algorithm()));
    }
    DigestAlgorithm alg = algorithm == null || algorithm.isEmpty() ? DigestAlgorithm.SHA256 : DigestAlgorithm.of(algorithm);
    return session(uploads.start(repo, alg));
  }

  @GET
  @Path("/{name: .+}/blobs/uploads/{uuid}")
  public Response status(@Context RoutingContext ctx) {
    RegistryPath p = RegistryPath.of(ctx, RegistryPath.Kind.UPLOAD);
    return headers(Response.noContent(), uploads.status(p.name(), p.segment())).build();
  }

  @DELETE
  @Path("/{name: .+}/blobs/uploads/{uuid}")
  public Response cancel(@Context RoutingContext ctx) {
    RegistryPath p = RegistryPath.of(ctx, RegistryPath.Kind.UPLOAD);
    uploads.cancel(p.name(), p.segment());
    return Response.noContent().build();
  }

  private static Response created(RepositoryName repo, Digest d) {
    return Response.status(201)
        .header("Location", "/v2/" + repo + "/blobs/" + d)
        .header("Docker-Content-Digest", d.toString())
        .header("Content-Length", 0)
        .build();
  }

  private Response session(Upload u) {
    return headers(Response.accepted(), u).header("Content-Length", 0)
        .header("OCI-Chunk-Min-Length", config.uploads().chunkMinLength().asLongValue()).build();
  }

  private static Response.ResponseBuilder headers(Response.ResponseBuilder b, Upload u) {
    Errors.uploadHeaders(u).forEach(b::header);
    return b;
  }
}
