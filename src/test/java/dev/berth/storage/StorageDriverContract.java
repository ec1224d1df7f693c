package dev.berth.storage;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link StorageDriver} must have, as its javadoc states it, checked on the
 * driver wrapped in {@link BaseDriver} as production wraps it. A driver's test extends this class
 * and only says how to make a fresh driver over empty storage ({@link #newDriver}; it does no I/O,
 * the first operation prepares it) and, optionally, how to clean up after one ({@link #cleanup});
 * it may add tests of its own. Modeled on CNCF distribution's {@code registry/storage/driver/testsuites};
 * the tests are grouped by topic in the interfaces this class implements.
 *
 * <p>Where the javadoc leaves a case open, the suite pins the choice that the existing drivers, the
 * registry's callers and object stores agree on, and says so at the test:
 *
 * <ul>
 *   <li>{@code read} with a length past the end is cut at the end (as HTTP ranges are);
 *   <li>{@code delete(IF_MATCH)} of a missing object returns false (object stores answer 404
 *       before 412); {@code delete(IF_ABSENT)} is a caller error ({@link IllegalArgumentException})
 *       and deletes nothing;
 *   <li>{@code list}'s {@code truncated} is exact: true if and only if more entries follow, and a
 *       truncated page is never empty (callers page on with its last name);
 *   <li>whether one key can be both an object and the prefix of other keys ({@code a} and
 *       {@code a/b}) is left open: a file system can't, the registry's layout never does it. The
 *       suite only requires that nothing is found <em>below</em> an object and that a prefix is not
 *       an object.
 * </ul>
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
public abstract class StorageDriverContract implements SmallObjectContract, ReadContract, AppendCommitContract,
    ListContract, DeleteContract, ConcurrencyContract, PrepareContract {

  /** A new driver over empty storage, not wrapped and not prepared. */
  protected abstract StorageDriver newDriver() throws Exception;

  /** Releases what {@link #newDriver} made; called after every test. */
  protected void cleanup(StorageDriver driver) throws Exception {}

  /** The driver under test, wrapped in {@link BaseDriver}. */
  protected StorageDriver driver;
  /** The same driver, unwrapped. */
  protected StorageDriver raw;
  private ExecutorService pool;

  @BeforeEach
  void createDriver() throws Exception {
    raw = newDriver();
    driver = new BaseDriver(raw);
    pool = Executors.newCachedThreadPool();
  }

  @AfterEach
  void dropDriver() throws Exception {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), "test threads did not stop");
    cleanup(driver);
  }

  @Override
  public StorageDriver driver() {
    return driver;
  }

  @Override
  public StorageDriver unwrapped() {
    return raw;
  }

  @Override
  public ExecutorService pool() {
    return pool;
  }
}
