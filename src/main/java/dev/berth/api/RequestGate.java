package dev.berth.api;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Locale;

/**
 * The first handler of every request. It refuses requests whose framing a proxy in front of
 * Berth could read differently (RFC 9112: an unknown transfer coding, several {@code Host}
 * headers), marks every registry response with the API version, and parses a {@code /v2} path
 * once, from its raw form, into a {@link RegistryPath} for the endpoints; a path that names no
 * endpoint or an invalid repository is answered here.
 */
@Singleton
public class RequestGate {
  static final String API_VERSION = "Docker-Distribution-API-Version";

  void register(@Observes Router router) {
    router.route().order(-1000).handler(this::handle);
  }

  static boolean isRegistryPath(String path) {
    return path.equals("/v2") || path.startsWith("/v2/");
  }

  private void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String framing = framingProblem(req);
    if (framing != null) {
      reject(ctx, framing.startsWith("unsupported") ? 501 : 400, framing);
      return;
    }
    String path = req.path();
    if (path == null || !isRegistryPath(path)) {
      ctx.next();
      return;
    }
    ctx.response().putHeader(API_VERSION, "registry/2.0");
    try {
      ctx.put(RegistryPath.KEY, RegistryPath.parse(path));
    } catch (RuntimeException e) {
      send(ctx, Errors.of(e));
      return;
    }
    ctx.next();
  }

  /** Why the request's framing is refused, or null when it is sound. */
  static String framingProblem(HttpServerRequest req) {
    if (req.version() == HttpVersion.HTTP_2) {
      return null; // HTTP/2 frames bodies itself; its :authority is one value
    }
    MultiMap h = req.headers();
    List<String> hosts = h.getAll("Host");
    if (hosts.size() > 1 || (hosts.size() == 1 && hosts.get(0).indexOf(',') >= 0)) {
      return "more than one Host";
    }
    int codings = 0;
    for (String te : h.getAll("Transfer-Encoding")) {
      for (String coding : te.split(",")) {
        if (!coding.trim().toLowerCase(Locale.ROOT).equals("chunked")) {
          return "unsupported transfer coding";
        }
        codings++;
      }
    }
    return codings > 1 ? "chunked more than once" : null;
  }

  /** Framing errors are HTTP's, not the registry's: plain text, and the connection ends. */
  private static void reject(RoutingContext ctx, int status, String reason) {
    HttpServerResponse res = ctx.response();
    // Closed at once: a request pipelined behind this one was framed by a reading we refuse.
    res.setStatusCode(status).putHeader("Content-Type", "text/plain").putHeader("Connection", "close")
        .end(Buffer.buffer(reason + "\n"));
    ctx.request().connection().close();
  }

  /** Writes an error answer from a Vert.x handler (the REST layer has its own mapper). */
  static void send(RoutingContext ctx, Errors.Answer a) {
    HttpServerResponse res = ctx.response();
    a.headers().forEach(res::putHeader);
    res.setStatusCode(a.status()).putHeader("Content-Type", "application/json").end(Buffer.buffer(a.body()));
  }
}
