package dev.berth.ui;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import jakarta.inject.Singleton;
import java.net.URI;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * Cross-site request forgery defences of the UI's forms. Every state-changing form carries a
 * token bound to the session (HMAC of its id under {@link SessionKey}; "anonymous" without one,
 * for registries where anonymous visitors may delete), which another site can't read; and a
 * request whose {@code Sec-Fetch-Site} or {@code Origin} says it came from another site is
 * refused outright, sign-in included (the session cookie is {@code SameSite=Strict} as well).
 */
@Singleton
public class Csrf {
  /** The form field that carries the token. */
  public static final String FIELD = "csrf";

  private final SessionKey key;

  public Csrf(SessionKey key) {
    this.key = key;
  }

  /** The token forms carry for this visitor. */
  public String token(Optional<Session> session) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key.mac("berth-ui-csrf", subject(session)));
  }

  /** Whether a form's token is this visitor's (compared in constant time). */
  public boolean valid(Optional<Session> session, String given) {
    if (given == null || given.isEmpty() || given.length() > 100) {
      return false;
    }
    return MessageDigest.isEqual(token(session).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        given.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  private static String subject(Optional<Session> session) {
    return session.map(s -> "session:" + s.id()).orElse("anonymous");
  }

  /**
   * Why a POST looks cross-site, or null when it doesn't: browsers send {@code Sec-Fetch-Site}
   * and {@code Origin} with form posts; a client that sends neither (curl) is judged by its token alone.
   */
  static String crossSite(HttpServerRequest request) {
    String site = request.getHeader("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      return "the form was sent from another site (Sec-Fetch-Site: " + site.toLowerCase(Locale.ROOT) + ")";
    }
    String origin = request.getHeader("Origin");
    if (origin != null && !sameOrigin(origin, request)) {
      return "the form was sent from another origin";
    }
    return null;
  }

  private static boolean sameOrigin(String origin, HttpServerRequest request) {
    HostAndPort here = request.authority();
    if (here == null || origin.equals("null")) {
      return false;
    }
    try {
      URI o = new URI(origin);
      String scheme = Sessions.secure(request) ? "https" : "http";
      return scheme.equalsIgnoreCase(o.getScheme()) && here.host().equalsIgnoreCase(o.getHost())
          && port(scheme, here.port()) == port(scheme, o.getPort());
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private static int port(String scheme, int port) {
    return port >= 0 ? port : scheme.equals("https") ? 443 : 80;
  }
}
