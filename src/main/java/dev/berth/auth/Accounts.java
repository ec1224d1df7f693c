package dev.berth.auth;

import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * Checks user/password pairs against the htpasswd file. Clients send Basic credentials with
 * every request, so a pair verified in the last minute against the current version of the file
 * is not verified again ({@link RecentlyVerified}: a changed password or a removed account takes
 * effect at once); at most two bcrypt computations run at once, so a burst of logins can't take
 * every core.
 */
final class Accounts {
  private static final long TTL_NANOS = 60_000_000_000L;

  private final WatchedFile<Htpasswd> file;
  private final Semaphore bcrypt = new Semaphore(2);
  private final RecentlyVerified<Boolean> verified = new RecentlyVerified<>();

  Accounts(WatchedFile<Htpasswd> file) {
    this.file = file;
  }

  /** The account's fingerprint in the current file (empty when there is no such account). */
  Optional<String> fingerprint(String user) {
    return file.get().fingerprint(user);
  }

  /** True when this pair was verified in the last minute (no bcrypt: cheap enough for an event loop). */
  boolean recentlyVerified(String user, String password) {
    return verified.get(file.get(), user, password).isPresent();
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
    verified.put(h, TTL_NANOS, Boolean.TRUE, user, password);
    return true;
  }
}
