package dev.berth.api;

import dev.berth.config.BerthConfig;
import dev.berth.events.Events;
import dev.berth.events.RegistryEvent;
import dev.berth.proxy.BlobFill;
import dev.berth.proxy.ProxyService;
import dev.berth.registry.BlobService;
import dev.berth.registry.ByteRange;
import dev.berth.registry.Digest;
import dev.berth.registry.ErrorCode;
import dev.berth.registry.RepositoryName;
import dev.berth.storage.Content;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import io.vertx.ext.web.RoutingContext;
import java.io.InputStream;
import java.net.URI;
import java.util.Optional;

/**
 * {@code GET/HEAD/DELETE /v2/<name>/blobs/<digest>}: blobs stream from storage (a local file
 * through {@link FileRegionWriter}), with single byte ranges.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-blobs">pulling blobs</a>
 */
@Path("/v2")
public class BlobResource {
  private final BlobService blobs;
  private final BerthConfig config;
  private final Events events;
  private final ProxyService proxy;
  private final PullRoutes routes;

  public BlobResource(BlobService blobs, BerthConfig config, Events events, ProxyService proxy, PullRoutes routes) {
    this.blobs = blobs;
    this.config = config;
    this.events = events;
    this.proxy = proxy;
    this.routes = routes;
  }

  @HEAD
  @Path("/{name: .+}/blobs/{digest}")
  public Response head(@Context RoutingContext ctx) {
    RegistryPath p = RegistryPath.of(ctx, RegistryPath.Kind.BLOB);
    Digest d = Digest.parse(p.segment());
    // Not routed by mirror mode: a pusher HEADs its blobs before the first upload creates the
    // repository, and an answer from the default upstream would make it skip the upload. A pusher
    // never sends ns=, so that routing applies.
    RepositoryName repo = routes.served(ctx, p.name(), false);
    long size = proxy.proxied(repo) ? proxy.blobSize(repo, d) : blobs.size(repo, d);
    return headers(Response.ok(), d).header("Content-Length", size).build();
  }

  @GET
  @Path("/{name: .+}/blobs/{digest}")
  public Response get(@Context RoutingContext ctx, @HeaderParam("Range") String range,
      @HeaderParam("If-None-Match") String ifNoneMatch) {
    RegistryPath p = RegistryPath.of(ctx, RegistryPath.Kind.BLOB);
    Digest d = Digest.parse(p.segment());
    RepositoryName repo = routes.served(ctx, p.name(), true);
    if (proxy.proxied(repo)) {
      Optional<BlobFill> fill = proxy.blob(repo, d);
      if (fill.isPresent()) {
        return fetched(fill.get(), d); // not stored yet: no range, no redirect
      }
    }
    long size = blobs.size(repo, d);
    if (etag(d).equals(ifNoneMatch)) {
      return headers(Response.notModified(), d).build();
    }
    Optional<ByteRange> r = ByteRange.ofHttpRange(range, size);
    if (config.storage().redirect().enabled()) {
      Optional<URI> url = blobs.redirect(d, config.storage().redirect().ttl());
      if (url.isPresent()) {
        return headers(Response.temporaryRedirect(url.get()), d).build();
      }
    }
    long offset = r.map(ByteRange::first).orElse(0L);
    long length = r.map(ByteRange::length).orElse(size);
    Content content = blobs.open(repo, d, offset, length);
    Response.ResponseBuilder b = r.isPresent()
        ? Response.status(206).header("Content-Range", r.get().contentRange(size))
        : Response.ok();
    return headers(b.entity(entity(content)), d)
        .type("application/octet-stream")
        .header("Content-Length", content.length())
        .build();
  }

  /** A blob on its way from an upstream: it streams to this client as it is stored. */
  private static Response fetched(BlobFill fill, Digest d) {
    Response.ResponseBuilder b = headers(Response.ok((StreamingOutput) fill::writeTo), d).type("application/octet-stream");
    if (fill.length() >= 0) {
      b.header("Content-Length", fill.length());
    }
    return b.build();
  }

  @DELETE
  @Path("/{name: .+}/blobs/{digest}")
  public Response delete(@Context RoutingContext ctx) {
    RegistryPath p = RegistryPath.of(ctx, RegistryPath.Kind.BLOB);
    RepositoryName repo = p.name();
    Digest d = Digest.parse(p.segment());
    if (!config.delete().enabled()) {
      throw ErrorCode.UNSUPPORTED.with("deletes are disabled on this registry");
    }
    blobs.delete(repo, d);
    events.publish(new RegistryEvent(RegistryEvent.Kind.BLOB_DELETED, repo.value(), null, d.toString(), null, -1, null,
        AuthGate.identity(ctx).toString()));
    return Response.accepted().header("Docker-Content-Digest", d.toString()).header("Content-Length", 0).build();
  }

  static Object entity(Content content) {
    if (content instanceof Content.FileRegion f) {
      return f; // FileRegionWriter
    }
    return (StreamingOutput) out -> {
      try (InputStream in = content.openStream()) {
        in.transferTo(out);
      }
    };
  }

  private static Response.ResponseBuilder headers(Response.ResponseBuilder b, Digest d) {
    return b.header("Docker-Content-Digest", d.toString())
        .header("ETag", etag(d))
        .header("Accept-Ranges", "bytes");
  }

  static String etag(Digest d) {
    return "\"" + d + "\"";
  }
}
