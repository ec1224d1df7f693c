package dev.berth.api;

import dev.berth.config.BerthConfig;
import dev.berth.events.Events;
import dev.berth.events.RegistryEvent;
import dev.berth.events.RegistryEvent.Kind;
import dev.berth.registry.Digest;
import dev.berth.registry.DigestAlgorithm;
import dev.berth.registry.ErrorCode;
import dev.berth.registry.ManifestService;
import dev.berth.registry.ManifestService.PushResult;
import dev.berth.registry.ManifestService.StoredManifest;
import dev.berth.registry.Reference;
import dev.berth.registry.RegistryException;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.Tag;
import dev.berth.proxy.ProxyService;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET/HEAD/PUT/DELETE /v2/<name>/manifests/<reference>}: the stored bytes, exactly, with
 * their media type.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests">pulling manifests</a>
 */
@Path("/v2")
public class ManifestResource {
  private final ManifestService manifests;
  private final BerthConfig config;
  private final Events events;
  private final ProxyService proxy;
  private final PullRoutes routes;

  public ManifestResource(ManifestService manifests, BerthConfig config, Events events, ProxyService proxy, PullRoutes routes) {
    this.manifests = manifests;
    this.config = config;
    this.events = events;
    this.proxy = proxy;
    this.routes = routes;
  }

  @GET
  @Path("/{name: .+}/manifests/{reference}")
  public Response get(@Context RoutingContext ctx, @HeaderParam("If-None-Match") String ifNoneMatch) {
    StoredManifest m = read(ctx);
    if (BlobResource.etag(m.digest()).equals(ifNoneMatch)) {
      return headers(Response.notModified(), m).build();
    }
    if (events.wanted(Kind.MANIFEST_PULLED)) {
      RegistryPath p = RegistryPath.of(ctx, RegistryPath.Kind.MANIFEST);
      String tag = p.segment().equals(m.digest().toString()) ? null : p.segment();
      publish(ctx, Kind.MANIFEST_PULLED, p.name(), tag, m.digest(), m.mediaType(), m.bytes().length, null);
    }
    return headers(Response.ok(m.bytes()), m).build();
  }

  @HEAD
  @Path("/{name: .+}/manifests/{reference}")
  public Response head(@Context RoutingContext ctx) {
    StoredManifest m = read(ctx);
    return headers(Response.ok(), m).header("Content-Length", m.bytes().length).build();
  }

  /** A reference that is no tag or digest names no manifest: reads answer 404, as for any unknown one. */
  private StoredManifest read(RoutingContext ctx) {
    RegistryPath p = RegistryPath.of(ctx, RegistryPath.Kind.MANIFEST);
    Reference ref = known(p.segment());
    RepositoryName repo = routes.served(ctx, p.name(), true);
    return proxy.proxied(repo) ? proxy.manifest(repo, ref) : manifests.get(repo, ref);
  }

  private static Reference known(String reference) {
    try {
      return Reference.parse(reference);
    } catch (RegistryException e) {
      throw ErrorCode.MANIFEST_UNKNOWN.with("unknown manifest " + DigestAlgorithm.clip(reference));
    }
  }

  @PUT
  @Path("/{name: .+}/manifests/{reference}")
  public Response put(@Context RoutingContext ctx, @QueryParam("tag") List<String> tagParams,
      @HeaderParam("Content-Type") String contentType, InputStream body) throws IOException {
    RegistryPath p = RegistryPath.of(ctx, RegistryPath.Kind.MANIFEST);
    RepositoryName repo = p.name();
    Reference ref = Reference.parse(p.segment());
    List<Tag> tags = new ArrayList<>();
    for (String t : tagParams) {
      tags.add(new Tag(t));
    }
    int max = config.manifests().maxSize();
    byte[] bytes = body.readNBytes(max + 1);
    if (bytes.length > max) {
      throw ErrorCode.TOO_LARGE.with("manifest is larger than " + max + " bytes");
    }
    PushResult r = manifests.put(repo, ref, contentType, bytes, tags);
    Response.ResponseBuilder b = Response.status(201)
        .header("Location", "/v2/" + repo + "/manifests/" + r.digest())
        .header("Docker-Content-Digest", r.digest().toString())
        .header("Content-Length", 0);
    r.subject().ifPresent(s -> b.header("OCI-Subject", s.toString()));
    String subject = r.subject().map(Digest::toString).orElse(null);
    if (r.tags().isEmpty()) {
      publish(ctx, Kind.MANIFEST_PUSHED, repo, null, r.digest(), r.mediaType(), r.size(), subject);
    }
    for (Tag t : r.tags()) {
      publish(ctx, Kind.MANIFEST_PUSHED, repo, t.value(), r.digest(), r.mediaType(), r.size(), subject);
    }
    for (Tag t : r.tags()) {
      b.header("OCI-Tag", t.value());
    }
    return b.build();
  }

  @DELETE
  @Path("/{name: .+}/manifests/{reference}")
  public Response delete(@Context RoutingContext ctx) {
    RegistryPath p = RegistryPath.of(ctx, RegistryPath.Kind.MANIFEST);
    RepositoryName repo = p.name();
    Reference ref = known(p.segment());
    if (!config.delete().enabled()) {
      throw ErrorCode.UNSUPPORTED.with("deletes are disabled on this registry");
    }
    Digest deleted = manifests.delete(repo, ref);
    if (ref instanceof Reference.ByTag t) {
      publish(ctx, Kind.TAG_DELETED, repo, t.tag().value(), deleted, null, -1, null);
    } else {
      publish(ctx, Kind.MANIFEST_DELETED, repo, null, deleted, null, -1, null);
    }
    return Response.accepted().header("Content-Length", 0).build();
  }

  private void publish(RoutingContext ctx, Kind kind, RepositoryName repo, String tag, Digest digest, String mediaType,
      long size, String subject) {
    events.publish(new RegistryEvent(kind, repo.value(), tag, digest.toString(), mediaType, size, subject,
        AuthGate.identity(ctx).toString()));
  }

  private static Response.ResponseBuilder headers(Response.ResponseBuilder b, StoredManifest m) {
    return b.type(m.mediaType())
        .header("Docker-Content-Digest", m.digest().toString())
        .header("ETag", BlobResource.etag(m.digest()));
  }
}
