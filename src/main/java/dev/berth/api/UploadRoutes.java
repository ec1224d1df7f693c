package dev.berth.api;

import dev.berth.registry.ByteRange;
import dev.berth.registry.Digest;
import dev.berth.registry.ErrorCode;
import dev.berth.registry.RegistryException;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.UploadService;
import dev.berth.registry.UploadService.Upload;
import dev.berth.storage.StorageException;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jboss.logging.Logger;

/**
 * The upload requests that carry layer bytes: {@code PATCH} and {@code PUT} on a session and the
 * monolithic {@code POST ...?digest=}. They are Vert.x routes rather than REST resources so the
 * body streams to storage through a {@link RequestBodyStream} at disk speed; the rest of the
 * upload API (start, mount, status, cancel) is {@link UploadResource}.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-blobs">pushing blobs</a>
 */
@Singleton
public class UploadRoutes {
  private static final Logger LOG = Logger.getLogger(UploadRoutes.class);
  private static final String SESSION = "/v2/(.+)/blobs/uploads/([^/]+)";
  private static final String START = "/v2/(.+)/blobs/uploads/?";

  private final UploadService uploads;

  public UploadRoutes(UploadService uploads) {
    this.uploads = uploads;
  }

  void register(@Observes Router router) {
    router.routeWithRegex(HttpMethod.PATCH, SESSION).order(-100).handler(this::patch);
    router.routeWithRegex(HttpMethod.PUT, SESSION).order(-100).handler(this::put);
    router.routeWithRegex(HttpMethod.POST, START).order(-100).handler(this::post);
  }

  private void patch(RoutingContext ctx) {
    String name = ctx.pathParam("param0");
    String uuid = ctx.pathParam("param1");
    MultiMap h = ctx.request().headers();
    RequestBodyStream body = body(ctx);
    run(ctx, body, () -> {
      Upload u = uploads.append(RepositoryName.parse(name), uuid, chunk(h.get("Content-Range")), length(h.get("Content-Length")), body);
      return response(202, Map.of(
          "Location", "/v2/" + u.repository() + "/blobs/uploads/" + u.uuid(),
          "Docker-Upload-UUID", u.uuid(),
          "Range", u.range()));
    });
  }

  private void put(RoutingContext ctx) {
    String name = ctx.pathParam("param0");
    String uuid = ctx.pathParam("param1");
    String digest = ctx.request().getParam("digest");
    MultiMap h = ctx.request().headers();
    RequestBodyStream body = body(ctx);
    run(ctx, body, () -> {
      RepositoryName repo = RepositoryName.parse(name);
      if (digest == null || digest.isEmpty()) {
        throw ErrorCode.DIGEST_INVALID.with("the digest query parameter is required");
      }
      Digest d = Digest.parse(digest);
      uploads.finish(repo, uuid, d, chunk(h.get("Content-Range")), length(h.get("Content-Length")), body);
      return created(repo, d);
    });
  }

  /** Monolithic uploads only; starting a session or mounting goes on to {@link UploadResource}. */
  private void post(RoutingContext ctx) {
    String digest = ctx.request().getParam("digest");
    String mount = ctx.request().getParam("mount");
    if (digest == null || (mount != null && !mount.isEmpty())) {
      ctx.next();
      return;
    }
    String name = ctx.pathParam("param0");
    RequestBodyStream body = body(ctx);
    run(ctx, body, () -> {
      RepositoryName repo = RepositoryName.parse(name);
      Digest d = Digest.parse(digest);
      uploads.putMonolithic(repo, d, body);
      return created(repo, d);
    });
  }

  private static RequestBodyStream body(RoutingContext ctx) {
    RequestBodyStream body = new RequestBodyStream(ctx.request());
    if ("100-continue".equalsIgnoreCase(ctx.request().getHeader("Expect"))) {
      ctx.response().writeContinue();
    }
    return body;
  }

  /** What to answer: a status and headers (upload responses have no body). */
  private record Answer(int status, Map<String, String> headers) {}

  private static Answer response(int status, Map<String, String> headers) {
    return new Answer(status, headers);
  }

  private static Answer created(RepositoryName repo, Digest d) {
    return new Answer(201, Map.of("Location", "/v2/" + repo + "/blobs/" + d, "Docker-Content-Digest", d.toString()));
  }

  /** Runs the storage work on a worker thread and answers on the event loop. */
  private void run(RoutingContext ctx, RequestBodyStream body, Callable<Answer> work) {
    ctx.vertx().<Answer>executeBlocking(work, false).onComplete(ar -> {
      HttpServerResponse res = ctx.response();
      if (res.ended() || res.closed()) {
        return;
      }
      res.putHeader(ApiHeaders.API_VERSION, "registry/2.0");
      if (ar.succeeded()) {
        ar.result().headers().forEach(res::putHeader);
        res.setStatusCode(ar.result().status()).putHeader("Content-Length", "0").end();
        return;
      }
      fail(ctx, body, ar.cause());
    });
  }

  private static void fail(RoutingContext ctx, RequestBodyStream body, Throwable t) {
    int status;
    byte[] error;
    HttpServerResponse res = ctx.response();
    if (t instanceof RegistryException e) {
      status = e.status();
      error = OciErrors.body(e.code(), e.detail());
      e.headers().forEach(res::putHeader);
    } else if (t instanceof StorageException e) {
      LOG.errorf("storage failure: %s", e.getMessage());
      status = 503;
      error = OciErrors.body(ErrorCode.UNAVAILABLE, "storage is unavailable");
    } else if (t instanceof IOException || t instanceof UncheckedIOException) {
      LOG.debugf("upload body failed: %s", t.getMessage());
      status = 400;
      error = OciErrors.body(ErrorCode.BLOB_UPLOAD_INVALID, "the request body could not be read");
    } else {
      LOG.error("unexpected failure", t);
      status = 500;
      error = OciErrors.body(ErrorCode.UNKNOWN, "internal error");
    }
    if (!body.ended() && ctx.request().version() != HttpVersion.HTTP_2) {
      // The client is still sending a body we won't read: end the connection with the answer.
      // Not on HTTP/2 (h2c), which forbids the header: ending the response ends just the stream.
      res.putHeader("Connection", "close");
    }
    res.setStatusCode(status).putHeader("Content-Type", "application/json").end(io.vertx.core.buffer.Buffer.buffer(error));
  }

  private static Optional<ByteRange> chunk(String contentRange) {
    return contentRange == null || contentRange.isBlank() ? Optional.empty() : Optional.of(ByteRange.ofChunk(contentRange));
  }

  private static long length(String contentLength) {
    try {
      return contentLength == null ? -1 : Long.parseLong(contentLength.trim());
    } catch (NumberFormatException e) {
      throw ErrorCode.SIZE_INVALID.with("invalid Content-Length");
    }
  }
}
