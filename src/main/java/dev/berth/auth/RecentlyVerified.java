package dev.berth.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Secrets verified lately (a user/password pair, an external token), so that a client sending
 * them with every request is not verified again each time. Kept by a SHA-256 of the secret, never
 * the secret; an entry counts only for the {@code basis} it was verified against (the version of
 * the htpasswd or rules file, compared by identity), so a change to that file takes effect at
 * once; at most {@link #MAX} entries.
 */
final class RecentlyVerified<V> {
  private static final int MAX = 10_000;

  private record Entry<V>(V value, Object basis, long untilNanos) {}

  private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();

  Optional<V> get(Object basis, String... secret) {
    Entry<V> e = entries.get(key(secret));
    return e != null && e.basis() == basis && e.untilNanos() - System.nanoTime() > 0 ? Optional.of(e.value()) : Optional.empty();
  }

  /** Keeps {@code value} for {@code lifeNanos} (nothing when that is not positive). */
  void put(Object basis, long lifeNanos, V value, String... secret) {
    if (lifeNanos <= 0) {
      return;
    }
    long now = System.nanoTime();
    if (entries.size() >= MAX) {
      entries.values().removeIf(e -> e.untilNanos() - now <= 0 || e.basis() != basis);
      if (entries.size() >= MAX) {
        entries.clear();
      }
    }
    entries.put(key(secret), new Entry<>(value, basis, now + lifeNanos));
  }

  private static String key(String... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        md.update(p.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
