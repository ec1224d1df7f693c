package dev.berth.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Checks user/password pairs against the htpasswd file. Clients send Basic credentials with
 * every request, so a pair verified in the last minute is not verified again (the cache holds a
 * SHA-256 of the pair, never the password, and an entry counts only for the version of the file
 * it was verified against, so a changed password or a removed account takes effect at once); at most two
 * bcrypt computations run at once, so a burst of logins can't take every core.
 */
final class Accounts {
  private static final long TTL_NANOS = 60_000_000_000L;
  private static final int MAX_CACHED = 10_000;

  private final WatchedFile<Htpasswd> file;
  private final Semaphore bcrypt = new Semaphore(2);
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  private record Verified(Htpasswd file, long untilNanos) {}

  Accounts(WatchedFile<Htpasswd> file) {
    this.file = file;
  }

  /** The account's fingerprint in the current file (empty when there is no such account). */
  java.util.Optional<String> fingerprint(String user) {
    return file.get().fingerprint(user);
  }

  /** True when this pair was verified in the last minute (no bcrypt: cheap enough for an event loop). */
  boolean recentlyVerified(String user, String password) {
    Verified v = verified.get(key(user, password));
    return v != null && v.file() == file.get() && v.untilNanos() - System.nanoTime() > 0;
  }

  /** Verifies the pair (blocking: a bcrypt computation). */
  boolean verify(String user, String password) throws InterruptedException {
    Htpasswd h = file.get();
    bcrypt.acquire();
    try {
      if (!h.verify(user, password)) {
        return false;
      }
    } finally {
      bcrypt.release();
    }
    long now = System.nanoTime();
    if (verified.size() >= MAX_CACHED) {
      verified.values().removeIf(v -> v.untilNanos() - now <= 0 || v.file() != h);
      if (verified.size() >= MAX_CACHED) {
        verified.clear();
      }
    }
    verified.put(key(user, password), new Verified(h, now + TTL_NANOS));
    return true;
  }

  private static String key(String user, String password) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(user.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(password.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
