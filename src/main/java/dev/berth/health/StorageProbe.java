package dev.berth.health;

import dev.berth.config.BerthConfig;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageException;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Asks storage whether it is usable, at most once per cache period and only when a probe asks:
 * no background loop spends storage transactions on an idle registry. Logs one line when the
 * answer changes (the first answer included), never one per probe and never a stack trace: an
 * outage is an expected condition, the reason says what is wrong.
 */
@Singleton
public class StorageProbe {
  private static final Logger LOG = Logger.getLogger(StorageProbe.class);

  /** The outcome of one check; {@code reason} (null when up) is one line, safe to show (no secret). */
  public record Result(boolean up, String reason, long checkedAtNanos) {}

  private final StorageDriver storage;
  private final long ttlNanos;
  private volatile Result last;

  public StorageProbe(StorageDriver storage, BerthConfig config) {
    this.storage = storage;
    this.ttlNanos = config.health().cacheTtl().toNanos();
  }

  public Result check() {
    Result r = last;
    if (fresh(r)) {
      return r;
    }
    synchronized (this) {
      r = last;
      if (fresh(r)) {
        return r;
      }
      Result previous = r;
      try {
        // prepare() is a no-op once storage is set up; until then it is what fails (root missing,
        // container missing), and ping() alone would not say so.
        storage.prepare();
        storage.ping();
        r = new Result(true, null, System.nanoTime());
      } catch (RuntimeException e) {
        r = new Result(false, reasonOf(e), System.nanoTime());
      }
      logChange(previous, r);
      last = r;
      return r;
    }
  }

  private boolean fresh(Result r) {
    return r != null && System.nanoTime() - r.checkedAtNanos() < ttlNanos;
  }

  private void logChange(Result previous, Result now) {
    if (previous == null) {
      if (now.up()) {
        LOG.infof("storage %s ready", storage.name());
      } else {
        LOG.warnf("storage %s not ready: %s (will keep trying)", storage.name(), now.reason());
      }
    } else if (previous.up() && !now.up()) {
      LOG.warnf("storage %s not ready: %s", storage.name(), now.reason());
    } else if (!previous.up() && now.up()) {
      LOG.infof("storage %s ready again", storage.name());
    } else if (!now.up() && !now.reason().equals(previous.reason())) {
      LOG.warnf("storage %s still not ready: %s", storage.name(), now.reason());
    }
  }

  /** The one-line cause: a storage failure's reason; for anything else only its type (its message could hold anything). */
  static String reasonOf(RuntimeException e) {
    String reason = e instanceof StorageException se ? se.reason() : "storage check failed: " + e.getClass().getSimpleName();
    return oneLine(reason);
  }

  static String oneLine(String s) {
    return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }

  public String driverName() {
    return storage.name();
  }
}
