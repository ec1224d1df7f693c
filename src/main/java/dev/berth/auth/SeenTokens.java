package dev.berth.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * External tokens verified lately, so a client that sends one with every request (as the password
 * of Basic credentials) is not verified again each time: kept by a SHA-256 of the token, for at
 * most a minute and never past the token's expiry, and only for the rules it was checked against.
 */
final class SeenTokens {
  private static final long MAX_NANOS = 60_000_000_000L;
  private static final int MAX = 10_000;

  private record Seen(Identity identity, AccessRules rules, long untilNanos) {}

  private final Map<String, Seen> seen = new ConcurrentHashMap<>();

  Optional<Identity> get(String token, AccessRules rules) {
    if (!ExternalIssuers.looksLikeJwt(token)) {
      return Optional.empty();
    }
    Seen s = seen.get(key(token));
    return s != null && s.rules() == rules && s.untilNanos() - System.nanoTime() > 0 ? Optional.of(s.identity()) : Optional.empty();
  }

  void put(String token, AccessRules rules, Identity identity) {
    long now = System.nanoTime();
    long life = MAX_NANOS;
    String exp = identity.claims().get("exp");
    if (exp != null) {
      try {
        life = Math.min(life, (Long.parseLong(exp) - System.currentTimeMillis() / 1000) * 1_000_000_000L);
      } catch (NumberFormatException e) {
        return;
      }
    }
    if (life <= 0) {
      return;
    }
    if (seen.size() >= MAX) {
      seen.values().removeIf(x -> x.untilNanos() - now <= 0);
      if (seen.size() >= MAX) {
        seen.clear();
      }
    }
    seen.put(key(token), new Seen(identity, rules, now + life));
  }

  private static String key(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
