package dev.berth.ui;

import dev.berth.auth.Identity;
import java.time.Instant;

/** A signed-in web UI visitor: the account, the session's random id (CSRF tokens are bound to it) and its expiry. */
public record Session(String account, String id, Instant issued, Instant expires) {
  public Identity identity() {
    return Identity.account(account);
  }

  @Override
  public String toString() {
    return account; // never the id: with the key it would make a CSRF token
  }
}
