package dev.berth.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens of one upstream by scope, from the realm its challenges name (the Docker token
 * specification), kept until shortly before they expire. A realm is only asked when it is on the
 * upstream's own host or one the configuration lists for it ({@code realm-hosts}), and not over
 * plain HTTP when the upstream is HTTPS: the account's credentials go with the request.
 */
final class Tokens {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The spec's default lifetime when the realm doesn't say. */
  private static final long DEFAULT_SECONDS = 60;
  private static final int MAX_BYTES = 64 << 10;

  private record Token(String value, Instant expires) {}

  private final String name;
  private final URI base;
  private final HttpClient http;
  private final String basic;
  private final Map<String, Token> byScope = new ConcurrentHashMap<>();
  private final Set<String> realmHosts = new HashSet<>();

  Tokens(String name, URI base, HttpClient http, String basic, List<String> listedRealmHosts) {
    this.name = name;
    realmHosts.add(base.getHost().toLowerCase(Locale.ROOT));
    listedRealmHosts.forEach(h -> realmHosts.add(h.trim().toLowerCase(Locale.ROOT)));
    this.base = base;
    this.http = http;
    this.basic = basic;
  }

  /** A token for the scope that is still valid, or null. */
  String cached(String scope) {
    Token t = byScope.get(scope);
    if (t == null || Instant.now().isAfter(t.expires())) {
      return null;
    }
    return t.value();
  }

  /** Asks the challenge's realm for a token for {@code scope} and caches it. */
  String fetch(Challenge c, String scope) throws UpstreamException {
    URI realm = realm(c.param("realm"));
    StringBuilder q = new StringBuilder();
    if (c.param("service") != null) {
      q.append("service=").append(URLEncoder.encode(c.param("service"), StandardCharsets.UTF_8)).append('&');
    }
    q.append("scope=").append(URLEncoder.encode(c.param("scope") != null ? c.param("scope") : scope, StandardCharsets.UTF_8));
    String sep = realm.getRawQuery() == null ? "?" : "&";
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(realm + sep + q)).timeout(Duration.ofSeconds(30)).GET();
    if (basic != null) {
      b.header("Authorization", basic);
    }
    JsonNode body;
    try {
      HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        byte[] bytes = in.readNBytes(MAX_BYTES);
        if (r.statusCode() != 200) {
          throw new UpstreamException("upstream " + name + ": its token realm answered " + r.statusCode(), r.statusCode());
        }
        body = JSON.readTree(bytes);
      }
    } catch (UpstreamException e) {
      throw e;
    } catch (IOException e) {
      String tls = UpstreamTls.problem(e);
      throw new UpstreamException("upstream " + name + ": its token realm " + (tls != null ? "refused: " + tls
          : "is unreachable or sent no JSON"), -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UpstreamException("interrupted", -1);
    }
    String token = text(body, "token");
    if (token == null) {
      token = text(body, "access_token");
    }
    if (token == null) {
      throw new UpstreamException("upstream " + name + ": its token realm sent no token", 200);
    }
    long seconds = body != null && body.path("expires_in").canConvertToLong() ? body.path("expires_in").asLong() : DEFAULT_SECONDS;
    // Used until 90% of its life, so a request doesn't leave with a token about to expire.
    Instant expires = Instant.now().plusSeconds(Math.max(1, seconds - Math.max(1, seconds / 10)));
    byScope.put(scope, new Token(token, expires));
    return token;
  }

  private static String text(JsonNode body, String field) {
    JsonNode n = body == null ? null : body.get(field);
    return n != null && n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
  }

  /** The realm as a URI, when Berth may send the account to it. */
  URI realm(String realm) throws UpstreamException {
    URI u;
    try {
      u = realm == null ? null : new URI(realm);
    } catch (java.net.URISyntaxException e) {
      u = null;
    }
    if (u == null || u.getHost() == null || u.getScheme() == null) {
      throw new UpstreamException("upstream " + name + " sent a token challenge without a usable realm", 401);
    }
    String scheme = u.getScheme().toLowerCase(Locale.ROOT);
    boolean downgrade = scheme.equals("http") && base.getScheme().equalsIgnoreCase("https");
    if (!realmHosts.contains(u.getHost().toLowerCase(Locale.ROOT)) || downgrade || !(scheme.equals("http") || scheme.equals("https"))) {
      throw new UpstreamException("upstream " + name + " names a token realm on " + u.getHost()
          + ", which is not the upstream's host nor one of its realm-hosts: refused, no credentials sent", 401);
    }
    return u;
  }
}
