package dev.berth.storage;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The decorator every production driver is wrapped in (as CNCF distribution's {@code driver/base}):
 * it checks keys, prefixes and arguments once, clips read ranges, and prepares the storage lazily,
 * so a driver implements only what is specific to its backend. Metrics are {@link MeteredDriver},
 * which production puts inside this one.
 *
 * <p>Lazy preparation: the first operation that needs storage calls the driver's {@link
 * StorageDriver#prepare}. While that fails it is retried at most once per {@link #RETRY_SPACING};
 * calls in between throw the last failure again (same {@link StorageException#reason}), so a
 * registry whose storage is down answers 503 quickly and recovers by itself. One thread prepares at
 * a time, and only it holds the lock during I/O: a thread that finds a preparation in progress
 * throws the last failure at once when there is one, and otherwise (the very first preparation)
 * waits for it up to {@link #FIRST_WAIT}.
 */
public final class BaseDriver implements StorageDriver {
  static final long RETRY_SPACING = TimeUnit.SECONDS.toNanos(1);
  static final long FIRST_WAIT = TimeUnit.SECONDS.toNanos(10);

  private final StorageDriver driver;
  private final LongSupplier clock;
  private final ReentrantLock preparing = new ReentrantLock();
  private volatile boolean prepared;
  private volatile Failure failure;

  private record Failure(StorageException error, long at) {}

  public BaseDriver(StorageDriver driver) {
    this(driver, System::nanoTime);
  }

  BaseDriver(StorageDriver driver, LongSupplier clock) {
    if (driver instanceof BaseDriver) {
      throw new IllegalArgumentException("driver is wrapped already");
    }
    this.driver = Objects.requireNonNull(driver, "driver");
    this.clock = clock;
  }

  /** The wrapped driver. */
  public StorageDriver unwrap() {
    return driver;
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
    StorageKeys.check(key);
    ready();
    return driver.getSmall(key);
  }

  @Override
  public String putSmall(String key, byte[] data, Precondition precondition) {
    StorageKeys.check(key);
    require(data != null, "data");
    require(precondition != null, "precondition");
    ready();
    return driver.putSmall(key, data, precondition);
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    StorageKeys.check(key);
    ready();
    return driver.stat(key);
  }

  /** Drivers are asked only for ranges inside the object as {@link #stat} just reported it. */
  @Override
  public Content read(String key, long offset, long length) {
    StorageKeys.check(key);
    require(offset >= 0, "offset must not be negative");
    ready();
    long size = driver.stat(key).orElseThrow(() -> new ObjectNotFoundException(key)).size();
    if (offset > size) {
      throw new InvalidOffsetException(key, offset, size);
    }
    long n = length < 0 ? size - offset : Math.min(length, size - offset);
    return driver.read(key, offset, n);
  }

  @Override
  public long append(String key, long offset, InputStream data) {
    StorageKeys.check(key);
    require(offset >= 0, "offset must not be negative");
    require(data != null, "data");
    ready();
    return driver.append(key, offset, data);
  }

  @Override
  public void commit(String uploadKey, String key) {
    StorageKeys.check(uploadKey);
    StorageKeys.check(key);
    require(!uploadKey.equals(key), "an upload can't be committed to its own key");
    ready();
    driver.commit(uploadKey, key);
  }

  @Override
  public ListPage list(String prefix, String startAfter, int limit) {
    StorageKeys.checkPrefix(prefix);
    require(limit > 0, "limit must be positive");
    ready();
    return driver.list(prefix, startAfter, limit);
  }

  @Override
  public boolean delete(String key, Precondition precondition) {
    StorageKeys.check(key);
    require(precondition != null, "precondition");
    require(precondition.kind() != Precondition.Kind.IF_ABSENT, "IF_ABSENT on delete");
    ready();
    return driver.delete(key, precondition);
  }

  @Override
  public void deleteAll(String prefix) {
    StorageKeys.checkPrefix(prefix);
    require(!prefix.isEmpty(), "refusing to delete the storage root");
    ready();
    driver.deleteAll(prefix);
  }

  @Override
  public Optional<URI> redirectUrl(String key, Duration ttl) {
    StorageKeys.check(key);
    require(ttl != null && !ttl.isNegative() && !ttl.isZero(), "ttl must be positive");
    ready();
    return driver.redirectUrl(key, ttl);
  }

  /** Prepares the storage now if it isn't yet (subject to the retry spacing). */
  @Override
  public void prepare() {
    ready();
  }

  @Override
  public void ping() {
    ready();
    driver.ping();
  }

  private void ready() {
    if (!prepared) {
      prepareOnce();
    }
  }

  private void prepareOnce() {
    Failure f = failure;
    if (f != null && clock.getAsLong() - f.at() < RETRY_SPACING) {
      throw again(f.error());
    }
    if (!lock(f == null)) {
      Failure now = failure;
      if (now != null) {
        throw again(now.error());
      }
      throw new StorageException("storage is still being prepared", "storage is not ready yet (still connecting)", null);
    }
    try {
      if (prepared) {
        return;
      }
      Failure g = failure;
      if (g != null && g != f && clock.getAsLong() - g.at() < RETRY_SPACING) {
        throw again(g.error()); // another thread has just tried
      }
      try {
        driver.prepare();
        failure = null;
        prepared = true;
      } catch (StorageException e) {
        failure = new Failure(e, clock.getAsLong());
        throw e;
      }
    } finally {
      preparing.unlock();
    }
  }

  /** Takes the preparation lock: waits (bounded) only when nothing has failed yet. */
  private boolean lock(boolean firstTime) {
    if (!firstTime) {
      return preparing.tryLock();
    }
    try {
      return preparing.tryLock(FIRST_WAIT, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The last failure for this caller: a new exception (own stack), same type and reason. */
  private static StorageException again(StorageException last) {
    String message = "storage is not prepared: " + last.getMessage();
    if (last instanceof StorageFullException) {
      return new StorageFullException(message, last.reason(), last);
    }
    return new StorageException(message, last.reason(), last);
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new IllegalArgumentException(what);
    }
  }
}
