package dev.berth.auth;

import dev.berth.config.BerthConfig;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Who may do what, for the HTTP layer: signs accounts in (htpasswd) and answers rule questions.
 * With {@code berth.auth.mode=none} everyone may do everything, as before access control.
 */
@Singleton
public class AccessControl {
  private static final Logger LOG = Logger.getLogger(AccessControl.class);

  /** The outcome of a sign-in. */
  public enum Login { OK, WRONG, THROTTLED }

  private final BerthConfig.AuthMode mode;
  private final Accounts accounts;
  private final WatchedFile<AccessRules> rules;
  /** Why the accounts or rules could not be read at startup: then nothing is allowed, and the process exits. */
  private final String failure;
  private final LoginThrottle throttle;
  private final ExternalIssuers external = new ExternalIssuers();
  /** External tokens verified lately: for a minute at most, never past the token's expiry. */
  private final RecentlyVerified<Identity> externalSeen = new RecentlyVerified<>();
  private final String realm;
  private final Robots robots;

  public AccessControl(BerthConfig config, Robots robots) {
    this.robots = robots;
    BerthConfig.Auth a = config.auth();
    this.mode = a.mode();
    this.realm = a.realm();
    this.throttle = new LoginThrottle(a.maxFailuresPerMinute());
    Accounts accounts = null;
    WatchedFile<AccessRules> rules = null;
    String failure = null;
    if (mode != BerthConfig.AuthMode.none) {
      try {
        String htpasswd = a.htpasswd().orElseThrow(() -> new IllegalArgumentException(
            "berth.auth.mode=basic needs berth.auth.htpasswd (the accounts file)"));
        accounts = new Accounts(new WatchedFile<>(Path.of(htpasswd), "htpasswd file", Htpasswd::parse));
        rules = a.rules().map(r -> new WatchedFile<>(Path.of(r), "rules file", AccessRules::parse)).orElse(null);
      } catch (IllegalArgumentException e) {
        failure = e.getMessage();
      }
    }
    this.accounts = accounts;
    this.rules = rules;
    this.failure = failure;
  }

  void onStart(@Observes StartupEvent e) {
    if (failure != null) {
      // One line and exit 1, like a configuration error: a registry must not run with access
      // control it could not read (and until the exit, it allows nothing).
      LOG.errorf("access control: %s", failure);
      Quarkus.asyncExit(1);
      return;
    }
    String host = ConfigProvider.getConfig().getOptionalValue("quarkus.http.host", String.class).orElse("0.0.0.0");
    if (mode == BerthConfig.AuthMode.none && !isLoopback(host)) {
      LOG.warnf("*** berth.auth.mode=none on %s: anyone who reaches this port can push and delete."
          + " Set berth.auth.mode=basic (README: Access control) or listen on 127.0.0.1 ***", host);
    } else if (mode != BerthConfig.AuthMode.none) {
      LOG.infof("access control: %s, rules from %s", mode, rules == null ? "(none: every account may do everything)" : "the rules file");
    }
  }

  static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
  }

  public boolean enabled() {
    return mode != BerthConfig.AuthMode.none;
  }

  public String realm() {
    return realm;
  }

  /** How a sign-in ended, and who signed in. */
  public record SignIn(Login outcome, Identity identity) {}

  /** A sign-in that needs no bcrypt and no key fetch (verified in the last minute): safe on an event loop. */
  public Optional<Identity> recentlyVerified(String user, String password) {
    if (failure != null) {
      return Optional.empty();
    }
    if (Robots.looksLikeSecret(password)) {
      return robots.recentlyVerified(password).map(r -> Identity.robot(r.name(), r.grant()));
    }
    if (accounts.recentlyVerified(user, password)) {
      return Optional.of(Identity.account(user));
    }
    return ExternalIssuers.looksLikeJwt(password) ? externalSeen.get(rules(), password) : Optional.empty();
  }

  /**
   * Signs in (blocking: bcrypt, or fetching an issuer's keys); {@code client} is the caller's
   * address, for throttling. A password that is a token of an issuer the rules declare signs in
   * as that token's identity (the user name is then free: CI tools insist on one).
   */
  public SignIn login(String user, String password, String client) throws InterruptedException {
    String who = client + "\u0000" + user;
    if (failure != null) {
      return new SignIn(Login.WRONG, null);
    }
    if (throttle.retryAfterSeconds(who) > 0) {
      return new SignIn(Login.THROTTLED, null);
    }
    if (Robots.looksLikeSecret(password)) {
      // A robot's secret is only ever a robot's: never tried as a password or a token.
      Optional<Robot> robot = robots.verify(password);
      if (robot.isPresent()) {
        throttle.succeeded(who);
        return new SignIn(Login.OK, Identity.robot(robot.get().name(), robot.get().grant()));
      }
      throttle.failed(who);
      return new SignIn(Login.WRONG, null);
    }
    AccessRules current = rules();
    Optional<Identity> vouched = external.verify(current, password);
    if (vouched.isPresent()) {
      externalSeen.put(current, ExternalIssuers.lifeNanos(vouched.get(), 60_000_000_000L), vouched.get(), password);
      throttle.succeeded(who);
      return new SignIn(Login.OK, vouched.get());
    }
    if (accounts.verify(user, password)) {
      throttle.succeeded(who);
      return new SignIn(Login.OK, Identity.account(user));
    }
    throttle.failed(who);
    return new SignIn(Login.WRONG, null);
  }

  /**
   * The account's fingerprint (see {@link Htpasswd#fingerprint}): it changes with the password;
   * empty when the account doesn't exist (or auth is off). The web UI binds its sessions to it.
   */
  public Optional<String> fingerprint(String user) {
    return failure != null || accounts == null ? Optional.empty() : accounts.fingerprint(user);
  }

  /** Seconds a throttled client waits. */
  public long retryAfter(String user, String client) {
    return Math.max(1, throttle.retryAfterSeconds(client + "\u0000" + user));
  }

  /** Whether {@code who} may do this; a robot may do what its scopes say and what rules for {@code robot:<name>} add. */
  public boolean allows(Identity who, Action action, String repository) {
    return !enabled() || (failure == null && ((who.grant() != null && who.grant().allows(action, repository))
        || rules().allows(who, action, repository)));
  }

  public boolean allowsCatalog(Identity who) {
    return !enabled() || (failure == null && ((who.grant() != null && who.grant().allowsCatalog()) || rules().allowsCatalog(who)));
  }

  /** Whether {@code who} may manage robot accounts (the rules file's {@code admins}; any account without one). */
  public boolean isAdmin(Identity who) {
    return !enabled() || (failure == null && rules().isAdmin(who));
  }

  private AccessRules rules() {
    return rules == null ? AccessRules.SIGNED_IN_MAY_DO_ALL : rules.get();
  }
}
