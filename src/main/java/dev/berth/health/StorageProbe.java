package dev.berth.health;

import dev.berth.config.BerthConfig;
import dev.berth.storage.StorageDriver;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Asks storage whether it is reachable, at most once per cache period and only when a probe asks:
 * no background loop spends storage transactions on an idle registry.
 */
@Singleton
public class StorageProbe {
  private static final Logger LOG = Logger.getLogger(StorageProbe.class);

  /** The outcome of one check; {@code error} is safe to show (no secret). */
  public record Result(boolean up, String error, long checkedAtNanos) {}

  private final StorageDriver storage;
  private final long ttlNanos;
  private volatile Result last;

  public StorageProbe(StorageDriver storage, BerthConfig config) {
    this.storage = storage;
    this.ttlNanos = config.health().cacheTtl().toNanos();
  }

  public Result check() {
    Result r = last;
    long now = System.nanoTime();
    if (r != null && now - r.checkedAtNanos() < ttlNanos) {
      return r;
    }
    synchronized (this) {
      r = last;
      if (r != null && System.nanoTime() - r.checkedAtNanos() < ttlNanos) {
        return r;
      }
      try {
        storage.ping();
        r = new Result(true, null, System.nanoTime());
      } catch (RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (last == null || last.up()) {
          LOG.warnf("storage %s is not reachable: %s", storage.name(), message);
        }
        r = new Result(false, message, System.nanoTime());
      }
      last = r;
      return r;
    }
  }

  public String driverName() {
    return storage.name();
  }

}
