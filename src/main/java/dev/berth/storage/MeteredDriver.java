package dev.berth.storage;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Times every operation of a driver as {@code berth_storage_operations_seconds{driver,operation,
 * outcome}} (README, "Metrics"). It sits inside {@link BaseDriver}, so it sees exactly the calls
 * that reach the backend (checked keys, clipped ranges, the lazy preparation). A {@code read} is
 * timed until its stream is open, not while the bytes flow. Labels come from fixed sets: no key,
 * so no repository name, is ever one.
 */
public final class MeteredDriver implements StorageDriver {
  /** Latency buckets: a small object takes a millisecond on a disk, tens on Azure; an append of a layer, minutes. */
  private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(120)};
  private final StorageDriver driver;
  private final MeterRegistry registry;
  private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

  public MeteredDriver(StorageDriver driver, MeterRegistry registry) {
    this.driver = Objects.requireNonNull(driver, "driver");
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * The {@code outcome} label of a failure: what the caller asked for wasn't there or didn't hold
   * (not_found, precondition_failed, invalid_offset), the client's body failed (input_failed), the
   * storage is full (full), or anything else (error).
   */
  static String outcome(RuntimeException e) {
    if (e instanceof ObjectNotFoundException) {
      return "not_found";
    } else if (e instanceof PreconditionFailedException) {
      return "precondition_failed";
    } else if (e instanceof InvalidOffsetException) {
      return "invalid_offset";
    } else if (e instanceof InputFailedException) {
      return "input_failed";
    } else if (e instanceof StorageFullException) {
      return "full";
    }
    return "error";
  }

  private <T> T timed(String operation, Supplier<T> call) {
    long start = System.nanoTime();
    String outcome = "ok";
    try {
      return call.get();
    } catch (RuntimeException e) {
      outcome = outcome(e);
      throw e;
    } finally {
      timer(operation, outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  private void timedVoid(String operation, Runnable call) {
    timed(operation, () -> {
      call.run();
      return null;
    });
  }

  private Timer timer(String operation, String outcome) {
    return timers.computeIfAbsent(operation + ' ' + outcome, k -> Timer.builder("berth.storage.operations")
        .description("Storage driver operations by driver, operation and outcome")
        .tags("driver", driver.name(), "operation", operation, "outcome", outcome)
        .serviceLevelObjectives(BUCKETS)
        .register(registry));
  }

  @Override
  public String name() {
    return driver.name();
  }

  @Override
  public String describe() {
    return driver.describe();
  }

  @Override
  public Optional<SmallObject> getSmall(String key) {
    return timed("get_small", () -> driver.getSmall(key));
  }

  @Override
  public String putSmall(String key, byte[] data, Precondition precondition) {
    return timed("put_small", () -> driver.putSmall(key, data, precondition));
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    return timed("stat", () -> driver.stat(key));
  }

  @Override
  public Content read(String key, long offset, long length) {
    return timed("read", () -> driver.read(key, offset, length));
  }

  @Override
  public long append(String key, long offset, InputStream data) {
    return timed("append", () -> driver.append(key, offset, data));
  }

  @Override
  public void commit(String uploadKey, String key) {
    timedVoid("commit", () -> driver.commit(uploadKey, key));
  }

  @Override
  public ListPage list(String prefix, String startAfter, int limit) {
    return timed("list", () -> driver.list(prefix, startAfter, limit));
  }

  @Override
  public boolean delete(String key, Precondition precondition) {
    return timed("delete", () -> driver.delete(key, precondition));
  }

  @Override
  public void deleteAll(String prefix) {
    timedVoid("delete_all", () -> driver.deleteAll(prefix));
  }

  @Override
  public Optional<URI> redirectUrl(String key, Duration ttl) {
    return timed("redirect_url", () -> driver.redirectUrl(key, ttl));
  }

  @Override
  public void prepare() {
    timedVoid("prepare", driver::prepare);
  }

  @Override
  public void ping() {
    timedVoid("ping", driver::ping);
  }
}
