package dev.berth.auth;

import dev.berth.config.BerthConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.file.Path;
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
  private final LoginThrottle throttle;
  private final String realm;

  /** @throws IllegalArgumentException when the accounts or rules file is missing or wrong */
  public AccessControl(BerthConfig config) {
    BerthConfig.Auth a = config.auth();
    this.mode = a.mode();
    this.realm = a.realm();
    this.throttle = new LoginThrottle(a.maxFailuresPerMinute());
    if (mode == BerthConfig.AuthMode.none) {
      this.accounts = null;
      this.rules = null;
      return;
    }
    String htpasswd = a.htpasswd().orElseThrow(() -> new IllegalArgumentException(
        "berth.auth.mode=basic needs berth.auth.htpasswd (the accounts file)"));
    this.accounts = new Accounts(new WatchedFile<>(Path.of(htpasswd), "htpasswd file", Htpasswd::parse));
    this.rules = a.rules().map(r -> new WatchedFile<>(Path.of(r), "rules file", AccessRules::parse)).orElse(null);
  }

  void onStart(@Observes StartupEvent e) {
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

  /** A sign-in that needs no bcrypt (verified in the last minute): safe on an event loop. */
  public boolean recentlyVerified(String user, String password) {
    return accounts.recentlyVerified(user, password);
  }

  /** Signs in (blocking: bcrypt); {@code client} is the caller's address, for throttling. */
  public Login login(String user, String password, String client) throws InterruptedException {
    String who = client + "\u0000" + user;
    if (throttle.retryAfterSeconds(who) > 0) {
      return Login.THROTTLED;
    }
    if (accounts.verify(user, password)) {
      throttle.succeeded(who);
      return Login.OK;
    }
    throttle.failed(who);
    return Login.WRONG;
  }

  /** Seconds a throttled client waits. */
  public long retryAfter(String user, String client) {
    return Math.max(1, throttle.retryAfterSeconds(client + "\u0000" + user));
  }

  public boolean allows(Identity who, Action action, String repository) {
    return !enabled() || rules().allows(who, action, repository);
  }

  public boolean allowsCatalog(Identity who) {
    return !enabled() || rules().allowsCatalog(who);
  }

  private AccessRules rules() {
    return rules == null ? AccessRules.SIGNED_IN_MAY_DO_ALL : rules.get();
  }
}
