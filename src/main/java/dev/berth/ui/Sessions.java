package dev.berth.ui;

import dev.berth.auth.AccessControl;
import dev.berth.config.BerthConfig;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Web UI sessions without server-side state, so any replica serves any request: the cookie
 * carries the account, when it was issued, when it expires and a random id, signed with
 * HMAC-SHA256 under {@link SessionKey}. The signature also covers the account's current htpasswd
 * fingerprint (never sent), so a changed password or a removed account ends every session of it
 * on the next request. The cost of statelessness: signing out clears the cookie in that browser,
 * but a copy of the value stays valid until it expires ({@code berth.ui.session-ttl}) unless the
 * key is replaced.
 */
@Singleton
public class Sessions {
  static final String COOKIE = "berth_session";
  private static final String VERSION = "v1";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  /** Clocks of replicas differ a little: a cookie issued this far in the future is still taken. */
  private static final long SKEW_SECONDS = 60;

  private final SessionKey key;
  private final AccessControl access;
  private final Duration ttl;
  private final SecureRandom random = new SecureRandom();

  public Sessions(SessionKey key, AccessControl access, BerthConfig config) {
    this.key = key;
    this.access = access;
    this.ttl = config.ui().sessionTtl();
  }

  /** Whether there is anything to sign in to ({@code berth.auth.mode} is not {@code none}). */
  public boolean enabled() {
    return access.enabled();
  }

  /**
   * A new session for an account that just signed in, and the cookie value that carries it;
   * {@code fingerprint} is the account's {@link AccessControl#fingerprint} as it signed in.
   */
  Issued issue(String account, String fingerprint) {
    byte[] id = new byte[16];
    random.nextBytes(id);
    Instant now = Instant.now();
    Session s = new Session(account, B64.encodeToString(id), now, now.plus(ttl));
    String unsigned = String.join(".", VERSION, B64.encodeToString(account.getBytes(StandardCharsets.UTF_8)),
        Long.toString(s.issued().getEpochSecond()), Long.toString(s.expires().getEpochSecond()), s.id());
    return new Issued(s, unsigned + "." + B64.encodeToString(signature(unsigned, fingerprint)));
  }

  record Issued(Session session, String cookieValue) {}

  /** The request's session: a cookie with a valid signature, not expired, for an account that still exists with the same password. */
  public Optional<Session> current(HttpServerRequest request) {
    if (!enabled()) {
      return Optional.empty();
    }
    Cookie c = request.getCookie(COOKIE);
    return c == null ? Optional.empty() : verify(c.getValue());
  }

  Optional<Session> verify(String value) {
    String[] p = value.split("\\.", -1);
    if (p.length != 6 || !p[0].equals(VERSION) || value.length() > 1024) {
      return Optional.empty();
    }
    try {
      String account = new String(B64D.decode(p[1]), StandardCharsets.UTF_8);
      Instant issued = Instant.ofEpochSecond(Long.parseLong(p[2]));
      Instant expires = Instant.ofEpochSecond(Long.parseLong(p[3]));
      Instant now = Instant.now();
      // A shorter session-ttl set since applies to sessions issued before too.
      if (!now.isBefore(expires) || !now.isBefore(issued.plus(ttl)) || issued.isAfter(now.plusSeconds(SKEW_SECONDS))) {
        return Optional.empty();
      }
      Optional<String> fingerprint = access.fingerprint(account);
      if (fingerprint.isEmpty()) {
        return Optional.empty();
      }
      String unsigned = value.substring(0, value.lastIndexOf('.'));
      if (!MessageDigest.isEqual(signature(unsigned, fingerprint.get()), B64D.decode(p[5]))) {
        return Optional.empty();
      }
      return Optional.of(new Session(account, p[4], issued, expires));
    } catch (IllegalArgumentException e) { // bad base64 or number: not a cookie Berth made
      return Optional.empty();
    }
  }

  private byte[] signature(String unsigned, String fingerprint) {
    return key.mac("berth-ui-session", unsigned, fingerprint);
  }

  /** The Set-Cookie value of a new session: script can't read it, other sites don't send it. */
  String cookie(Issued issued, boolean secure) {
    return COOKIE + "=" + issued.cookieValue() + "; Path=/ui; Max-Age=" + ttl.toSeconds() + "; HttpOnly; SameSite=Strict"
        + (secure ? "; Secure" : "");
  }

  /** The Set-Cookie value that removes the session cookie. */
  static String clearing(boolean secure) {
    return COOKIE + "=; Path=/ui; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
  }

  /**
   * Whether the request came over HTTPS, as Quarkus sees it: the connection's own TLS, or a
   * proxy's {@code X-Forwarded-Proto} only when the operator told Quarkus to trust proxies
   * ({@code quarkus.http.proxy.proxy-address-forwarding}); Berth trusts no header on its own.
   */
  static boolean secure(HttpServerRequest request) {
    return request.isSSL() || "https".equalsIgnoreCase(request.scheme());
  }
}
