package dev.berth.auth;

import dev.berth.config.BerthConfig;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The built-in token service of {@code berth.auth.mode=token}: grants a scope request what the
 * rules allow (never more), signs it into a short-lived token, and verifies tokens on requests.
 * Every replica with the same key files verifies every other's tokens: no state is shared.
 */
@Singleton
public class TokenService {
  private static final Logger LOG = Logger.getLogger(TokenService.class);

  /** An issued token, as {@code /token} answers it. */
  public record Issued(String token, long expiresIn, Optional<String> refreshToken, List<Scope> granted) {}

  private final AccessControl access;
  private final Tokens tokens;
  private final String failure;
  private final String service;
  private final Optional<String> realm;
  /**
   * Tokens verified lately (a client sends one token with every request until it expires): an
   * ECDSA or RSA verification per request would cost more than serving a manifest. Kept by a
   * SHA-256 of the token for a minute at most, never past its expiry.
   */
  private final RecentlyVerified<TokenAccess> verified = new RecentlyVerified<>();
  private static final long REMEMBER_MILLIS = 60_000;

  public TokenService(BerthConfig config, AccessControl access) {
    this.access = access;
    BerthConfig.Auth a = config.auth();
    this.service = a.service();
    this.realm = a.token().realm();
    Tokens t = null;
    String f = null;
    if (a.mode() == BerthConfig.AuthMode.token) {
      try {
        String signing = a.token().signingKey().orElseThrow(() -> new IllegalArgumentException(
            "berth.auth.mode=token needs berth.auth.token.signing-key"));
        List<Path> verifying = a.token().verificationKeys().orElse(List.of()).stream().map(Path::of).toList();
        t = new Tokens(TokenKeys.load(Path.of(signing), verifying), a.token().issuer(), service,
            a.token().ttl(), a.token().refreshTtl(), () -> System.currentTimeMillis() / 1000);
      } catch (IllegalArgumentException e) {
        f = e.getMessage();
      }
    }
    this.tokens = t;
    this.failure = f;
  }

  void onStart(@Observes StartupEvent e) {
    if (failure != null) {
      LOG.errorf("token service: %s", failure);
      Quarkus.asyncExit(1);
    }
  }

  public boolean enabled() {
    return tokens != null;
  }

  public String service() {
    return service;
  }

  /** The configured token endpoint URL, when there is one (else it comes from the request). */
  public Optional<String> realm() {
    return realm;
  }

  /** The requested scopes, each cut down to what the rules allow {@code who}; then a token for them. */
  public Issued issue(Identity who, List<Scope> requested, boolean offline) {
    List<Scope> granted = new ArrayList<>();
    for (Scope s : requested) {
      if (s.type().equals("registry")) {
        if (s.name().equals("catalog") ? access.allowsCatalog(who) : access.isAdmin(who)) {
          granted.add(s);
        }
        continue;
      }
      Set<String> actions = new LinkedHashSet<>();
      for (Action a : List.of(Action.PULL, Action.PUSH, Action.DELETE)) {
        if ((s.actions().contains(a.wire()) || s.actions().contains("*")) && access.allows(who, a, s.name())) {
          actions.add(a.wire());
        }
      }
      if (!actions.isEmpty()) {
        granted.add(new Scope(s.type(), s.name(), actions));
      }
    }
    String subject = who.authenticated() ? who.name() : "";
    Optional<String> refresh = offline && who.authenticated()
        ? access.fingerprint(who.name()).map(fp -> tokens.refresh(who.name(), fp)) : Optional.empty();
    return new Issued(tokens.access(subject, granted), tokens.ttlSeconds(), refresh, granted);
  }

  /** The account a refresh token stands for, if it is valid and its password hasn't changed since. */
  public Optional<Identity> redeem(String refreshToken) {
    try {
      Tokens.Refresh r = tokens.verifyRefresh(refreshToken);
      return access.fingerprint(r.subject()).filter(r.fingerprint()::equals).map(fp -> Identity.account(r.subject()));
    } catch (Tokens.InvalidToken e) {
      return Optional.empty();
    }
  }

  /** @throws IllegalArgumentException with why (for the challenge's {@code error_description}) */
  public TokenAccess verify(String jwt) {
    Optional<TokenAccess> seen = verified.get(tokens, jwt);
    if (seen.isPresent()) {
      return seen.get();
    }
    try {
      Tokens.Access a = tokens.verifyAccess(jwt);
      String sub = a.subject();
      int colon = sub.indexOf(':');
      // "<issuer>:<sub>" was an outside identity (account names have no ':'): it stays one, so
      // rules for accounts ('authenticated') never apply to it; its claims are not in the token.
      Identity who = sub.isEmpty() ? Identity.ANONYMOUS
          : sub.startsWith(Identity.ROBOT) ? Identity.robot(sub.substring(Identity.ROBOT.length()), null)
          : colon > 0 ? new Identity(sub, true, sub.substring(0, colon), java.util.Map.of()) : Identity.account(sub);
      TokenAccess access = new TokenAccess(who, a.scopes());
      long life = Math.min(REMEMBER_MILLIS, a.expiresAt() * 1000 - System.currentTimeMillis());
      verified.put(tokens, life * 1_000_000L, access, jwt);
      return access;
    } catch (Tokens.InvalidToken e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }
}
