package dev.berth.registry;

import dev.berth.config.BerthConfig;
import dev.berth.storage.Precondition;
import dev.berth.storage.PreconditionFailedException;
import dev.berth.storage.SmallObject;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * When each manifest cached from an upstream was last pulled, for GC's cache eviction. A pull
 * only updates a map in memory; every {@code berth.proxy.pull-flush-interval} (and at shutdown)
 * a replica merges what it recorded into one small object per upstream
 * ({@code _proxy/<upstream>/pulls}), keeping the later time of each entry, and writes it with
 * If-Match on the ETag just read (If-None-Match when absent), so replicas flushing at once retry
 * instead of losing each other's times. Cost: no storage call per pull; per flush, one read and one
 * write per upstream pulled from. Only upstreams with a {@code max-bytes} are recorded: eviction
 * is the only reader. Lives in registry, not proxy, because GC reads it.
 */
@Singleton
public class PullTimes {
  private static final Logger LOG = Logger.getLogger(PullTimes.class);
  private static final int ATTEMPTS = 8;
  private final StorageDriver storage;
  private final Duration interval;
  private final boolean active;
  /** The upstreams with a {@code max-bytes}: only their pulls are recorded (nothing else reads them). */
  private final java.util.Set<String> budgeted = new java.util.HashSet<>();
  /** upstream -> "repository digest" -> epoch millis, since the last flush. */
  private final Map<String, Map<String, Long>> pending = new ConcurrentHashMap<>();
  private ScheduledExecutorService timer;

  public PullTimes(StorageDriver storage, BerthConfig config) {
    this.storage = storage;
    this.interval = config.proxy().pullFlushInterval();
    config.proxy().upstreams().forEach((name, u) -> u.maxBytes().ifPresent(m -> budgeted.add(name)));
    this.active = !budgeted.isEmpty() && !config.readOnly();
  }

  /** The entry key of a manifest: its repository and digest. */
  public static String key(RepositoryName repo, Digest digest) {
    return repo.value() + " " + digest;
  }

  /** A proxied manifest was served: remembered in memory only. */
  public void pulled(RepositoryName repo, Digest digest) {
    if (!active) {
      return;
    }
    String name = repo.value().substring(0, Math.max(0, repo.value().indexOf('/')));
    if (!budgeted.contains(name)) {
      return;
    }
    pending.computeIfAbsent(name, n -> new ConcurrentHashMap<>()).merge(key(repo, digest), System.currentTimeMillis(), Math::max);
  }

  void start(@Observes StartupEvent event) {
    if (!active) {
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "berth-pull-times");
      t.setDaemon(true);
      return t;
    });
    long every = interval.toMillis();
    timer.scheduleWithFixedDelay(this::flushQuietly, every, every, TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent event) {
    if (timer != null) {
      timer.shutdownNow();
    }
    flushQuietly();
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warnf("proxy: writing pull times failed, retried at the next flush: %s", e.getMessage());
    }
  }

  /** Writes what was recorded since the last flush; what fails to be written stays for the next. */
  public synchronized void flush() {
    for (String upstream : pending.keySet()) {
      Map<String, Long> mine = pending.remove(upstream);
      if (mine == null || mine.isEmpty()) {
        continue;
      }
      try {
        update(upstream, times -> {
          mine.forEach((k, t) -> times.merge(k, t, Math::max));
          return true;
        });
      } catch (RuntimeException e) {
        mine.forEach((k, t) -> pending.computeIfAbsent(upstream, n -> new ConcurrentHashMap<>()).merge(k, t, Math::max));
        throw e;
      }
    }
  }

  /** The stored times of an upstream's manifests (entry key -> epoch millis); empty when none. */
  public Map<String, Long> read(String upstream) {
    return storage.getSmall(StorageLayout.pullTimes(upstream)).map(o -> parse(o.data())).orElseGet(TreeMap::new);
  }

  /** Drops stored entries (of manifests no longer cached); best effort, with the same conditional write. */
  public void forget(String upstream, Predicate<String> gone) {
    update(upstream, times -> times.keySet().removeIf(gone));
  }

  /** Read, change, write conditionally; on a lost race read again. The change says whether to write. */
  private void update(String upstream, Predicate<Map<String, Long>> change) {
    String key = StorageLayout.pullTimes(upstream);
    for (int attempt = 1; ; attempt++) {
      Optional<SmallObject> current = storage.getSmall(key);
      Map<String, Long> times = current.map(o -> parse(o.data())).orElseGet(TreeMap::new);
      if (!change.test(times)) {
        return;
      }
      try {
        storage.putSmall(key, format(times), current.map(o -> Precondition.ifMatch(o.etag())).orElse(Precondition.IF_ABSENT));
        return;
      } catch (PreconditionFailedException e) {
        if (attempt == ATTEMPTS) {
          throw new StorageException("pull times of " + upstream + ": " + ATTEMPTS + " writes lost a race", e);
        }
      }
    }
  }

  /** One line per manifest: {@code <epoch millis> <repository> <digest>}. Unreadable lines are skipped. */
  static Map<String, Long> parse(byte[] data) {
    Map<String, Long> times = new TreeMap<>();
    for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
      int space = line.indexOf(' ');
      try {
        if (space > 0) {
          times.merge(line.substring(space + 1), Long.parseLong(line.substring(0, space)), Math::max);
        }
      } catch (NumberFormatException e) {
        // not a line Berth wrote
      }
    }
    return times;
  }

  static byte[] format(Map<String, Long> times) {
    StringBuilder b = new StringBuilder();
    times.forEach((k, t) -> b.append(t).append(' ').append(k).append('\n'));
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }
}
