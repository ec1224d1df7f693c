package dev.berth.api;

import dev.berth.registry.ByteRange;
import dev.berth.registry.Digest;
import dev.berth.registry.ErrorCode;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.Upload;
import dev.berth.registry.UploadService;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

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
  private final UploadService uploads;
  private final HttpMetrics metrics;

  public UploadRoutes(UploadService uploads, HttpMetrics metrics) {
    this.uploads = uploads;
    this.metrics = metrics;
  }

  void register(@Observes Router router) {
    router.route().order(-100).handler(this::route);
  }

  private void route(RoutingContext ctx) {
    RegistryPath p = ctx.get(RegistryPath.KEY);
    HttpMethod m = ctx.request().method();
    if (p != null && p.kind() == RegistryPath.Kind.UPLOAD && m == HttpMethod.PATCH) {
      patch(ctx, p);
    } else if (p != null && p.kind() == RegistryPath.Kind.UPLOAD && m == HttpMethod.PUT) {
      put(ctx, p);
    } else if (p != null && p.kind() == RegistryPath.Kind.UPLOAD_START && m == HttpMethod.POST && monolithic(ctx)) {
      post(ctx, p);
    } else {
      ctx.next();
    }
  }

  private void patch(RoutingContext ctx, RegistryPath p) {
    MultiMap h = ctx.request().headers();
    RequestBodyStream body = body(ctx);
    run(ctx, body, () -> {
      Upload u = uploads.append(p.name(), p.segment(), chunk(h.get("Content-Range")), length(h.get("Content-Length")), body);
      return new Answer(202, Errors.uploadHeaders(u));
    });
  }

  private void put(RoutingContext ctx, RegistryPath p) {
    String digest = ctx.request().getParam("digest");
    MultiMap h = ctx.request().headers();
    RequestBodyStream body = body(ctx);
    run(ctx, body, () -> {
      if (digest == null || digest.isEmpty()) {
        throw ErrorCode.DIGEST_INVALID.with("the digest query parameter is required");
      }
      Digest d = Digest.parse(digest);
      uploads.finish(p.name(), p.segment(), d, chunk(h.get("Content-Range")), length(h.get("Content-Length")), body);
      return created(p.name(), d);
    });
  }

  /** A POST with {@code ?digest=} and no mount carries the whole blob; the others start sessions. */
  private static boolean monolithic(RoutingContext ctx) {
    String mount = ctx.request().getParam("mount");
    return ctx.request().getParam("digest") != null && (mount == null || mount.isEmpty());
  }

  private void post(RoutingContext ctx, RegistryPath p) {
    String digest = ctx.request().getParam("digest");
    RequestBodyStream body = body(ctx);
    run(ctx, body, () -> {
      Digest d = Digest.parse(digest);
      uploads.putMonolithic(p.name(), d, body);
      return created(p.name(), d);
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

  private static Answer created(RepositoryName repo, Digest d) {
    return new Answer(201, Map.of("Location", "/v2/" + repo + "/blobs/" + d, "Docker-Content-Digest", d.toString()));
  }

  /** Runs the storage work on a worker thread and answers on the event loop. */
  private void run(RoutingContext ctx, RequestBodyStream body, Callable<Answer> work) {
    metrics.uploadStarted();
    ctx.vertx().<Answer>executeBlocking(work, false).onComplete(ar -> {
      metrics.uploadEnded(); // the bytes have been taken (or refused): the rest is the answer
      HttpServerResponse res = ctx.response();
      if (res.ended() || res.closed()) {
        return;
      }
      if (ar.succeeded()) {
        ar.result().headers().forEach(res::putHeader);
        res.setStatusCode(ar.result().status()).putHeader("Content-Length", "0").end();
        return;
      }
      if (!body.ended() && ctx.request().version() != HttpVersion.HTTP_2) {
        // The client is still sending a body we won't read: end the connection with the answer.
        // Not on HTTP/2 (h2c), which forbids the header: ending the response ends just the stream.
        res.putHeader("Connection", "close");
      }
      RequestGate.send(ctx, Errors.of(ar.cause()));
    });
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
