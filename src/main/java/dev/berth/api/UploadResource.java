package dev.berth.api;

import dev.berth.registry.BlobService;
import dev.berth.registry.Digest;
import dev.berth.registry.DigestAlgorithm;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.UploadService;
import dev.berth.registry.UploadService.Upload;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
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

  public UploadResource(UploadService uploads, BlobService blobs) {
    this.uploads = uploads;
    this.blobs = blobs;
  }

  @POST
  @Path("/{name: .+}/blobs/uploads/")
  public Response start(@PathParam("name") String name, @QueryParam("mount") String mount,
      @QueryParam("from") String from, @QueryParam("digest-algorithm") String algorithm) {
    RepositoryName repo = RepositoryName.parse(name);
    if (mount != null && !mount.isEmpty()) {
      Digest d = Digest.parse(mount);
      if (from != null && !from.isEmpty() && blobs.mount(repo, d, RepositoryName.parse(from))) {
        return created(repo, d);
      }
      return session(uploads.start(repo, d.algorithm()));
    }
    DigestAlgorithm alg = algorithm == null || algorithm.isEmpty() ? DigestAlgorithm.SHA256 : DigestAlgorithm.of(algorithm);
    return session(uploads.start(repo, alg));
  }

  @GET
  @Path("/{name: .+}/blobs/uploads/{uuid}")
  public Response status(@PathParam("name") String name, @PathParam("uuid") String uuid) {
    Upload u = uploads.status(RepositoryName.parse(name), uuid);
    return location(Response.noContent(), u).header("Range", u.range()).build();
  }

  @DELETE
  @Path("/{name: .+}/blobs/uploads/{uuid}")
  public Response cancel(@PathParam("name") String name, @PathParam("uuid") String uuid) {
    uploads.cancel(RepositoryName.parse(name), uuid);
    return Response.noContent().build();
  }

  private static Response created(RepositoryName repo, Digest d) {
    return Response.status(201)
        .header("Location", "/v2/" + repo + "/blobs/" + d)
        .header("Docker-Content-Digest", d.toString())
        .header("Content-Length", 0)
        .build();
  }

  private static Response session(Upload u) {
    return location(Response.accepted(), u).header("Range", "0-0").header("Content-Length", 0).build();
  }

  private static Response.ResponseBuilder location(Response.ResponseBuilder b, Upload u) {
    return b.header("Location", "/v2/" + u.repository() + "/blobs/uploads/" + u.uuid())
        .header("Docker-Upload-UUID", u.uuid());
  }
}
