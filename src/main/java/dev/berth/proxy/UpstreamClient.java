package dev.berth.proxy;

import dev.berth.config.ProxyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Requests to one upstream registry, signed in the way registry clients do: anonymous first; on a
 * {@code 401} either Basic with the configured account, or the Docker token flow (the challenge's
 * realm is asked for a token, with the account as Basic when there is one), the token then cached
 * until it expires ({@link Tokens}). A token file's bearer token is sent as it is. Credentials go
 * to the upstream's host only: a realm elsewhere is refused, and redirects (blob downloads from a
 * CDN) are followed without any. Logs name the upstream, never a credential or a signed URL.
 */
final class UpstreamClient {
  private static final Logger LOG = Logger.getLogger(UpstreamClient.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int MAX_REDIRECTS = 5;

  private final String name;
  private final URI base;
  private final String basic;
  private final TokenFile tokenFile;
  private final Tokens tokens;
  private final HttpClient http;
  /** The upstream asked for Basic once: send it with every request from then on. */
  private volatile boolean basicWanted;

  private final CacheStats stats;

  UpstreamClient(String name, ProxyConfig.Upstream config, CacheStats stats) {
    this.name = name;
    this.stats = stats;
    String url = config.url().trim();
    this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    this.basic = config.username().isPresent() && config.password().isPresent()
        ? "Basic " + Base64.getEncoder().encodeToString((config.username().get() + ":" + config.password().get().value())
            .getBytes(StandardCharsets.UTF_8))
        : null;
    this.tokenFile = config.tokenFile().map(TokenFile::new).orElse(null);
    HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER);
    UpstreamTls.context(config.tls()).ifPresent(hb::sslContext); // also the token realm's and redirects' trust
    this.http = hb.build();
    this.tokens = new Tokens(name, base, http, basic, config.realmHosts().orElse(java.util.List.of()));
  }

  String name() {
    return name;
  }

  /**
   * Sends {@code method} to {@code /v2/<repository>/<path>} and returns the answer (any status but
   * a redirect); the caller closes its body.
   *
   * @throws UpstreamException when the upstream can't be reached or asks for a realm elsewhere
   */
  HttpResponse<InputStream> send(String method, String repository, String path, String accept) throws UpstreamException {
    try {
      HttpResponse<InputStream> r = signedSend(method, repository, path, accept);
      stats.answered(r.statusCode());
      return r;
    } catch (UpstreamException e) {
      stats.failed(e);
      throw e;
    }
  }

  private HttpResponse<InputStream> signedSend(String method, String repository, String path, String accept) throws UpstreamException {
    URI uri = base.resolve("/v2/" + repository + "/" + path);
    String scope = "repository:" + repository + ":pull";
    HttpResponse<InputStream> r = exchange(method, uri, accept, authorization(scope));
    if (r.statusCode() == 401 && tokenFile == null) {
      Optional<Challenge> c = Challenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
      discard(r);
      String auth = null;
      if (c.isPresent() && c.get().isBasic() && basic != null) {
        basicWanted = true;
        auth = basic;
      } else if (c.isPresent() && c.get().isBearer()) {
        auth = "Bearer " + tokens.fetch(c.get(), scope);
      }
      if (auth == null) {
        throw new UpstreamException("upstream " + name + " wants a sign-in" + (basic == null ? " and none is configured" : ""), 401);
      }
      r = exchange(method, uri, accept, auth);
    }
    for (int hops = 0; isRedirect(r.statusCode()); hops++) {
      Optional<String> location = r.headers().firstValue("Location");
      discard(r);
      if (location.isEmpty() || hops >= MAX_REDIRECTS) {
        throw new UpstreamException("upstream " + name + " redirected " + (location.isEmpty() ? "nowhere" : "too often"), r.statusCode());
      }
      uri = uri.resolve(location.get());
      String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http")) {
        throw new UpstreamException("upstream " + name + " redirected to a non-HTTP location", r.statusCode());
      }
      r = exchange(method, uri, accept, null); // a redirect target gets no credentials
    }
    return r;
  }

  private String authorization(String scope) throws UpstreamException {
    if (tokenFile != null) {
      return "Bearer " + tokenFile.token(name);
    }
    String cached = tokens.cached(scope);
    if (cached != null) {
      return "Bearer " + cached;
    }
    return basicWanted ? basic : null;
  }

  private HttpResponse<InputStream> exchange(String method, URI uri, String accept, String authorization) throws UpstreamException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(TIMEOUT).method(method, HttpRequest.BodyPublishers.noBody())
        .header("User-Agent", "berth-proxy");
    if (accept != null) {
      b.header("Accept", accept);
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      LOG.debugf("upstream %s: %s %s", name, method, e.getClass().getSimpleName());
      String tls = UpstreamTls.problem(e);
      if (tls != null) {
        throw new UpstreamException("upstream " + name + ": " + tls, -1);
      }
      throw new UpstreamException("upstream " + name + " is unreachable (" + e.getClass().getSimpleName() + ")", -1,
          e instanceof java.net.http.HttpTimeoutException);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UpstreamException("interrupted", -1);
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  static void discard(HttpResponse<InputStream> r) {
    try (InputStream in = r.body()) {
      in.skipNBytes(0);
    } catch (IOException e) {
      // only closing it matters
    }
  }
}
